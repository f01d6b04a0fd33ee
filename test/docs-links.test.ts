// Every relative link and anchor in the README files and docs/ points at something that exists, so
// the docs cannot send a reader to a page or section that was renamed or never written.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const markdownFiles = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  ...readdirSync(join(ROOT, 'packages'))
    .map((name) => `packages/${name}/README.md`)
    .filter((path) => existsSync(join(ROOT, path))),
];

/** The text outside fenced code blocks and inline code, where a `[x](y)` is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchors for the headings of a file: lower case, punctuation dropped, spaces to dashes, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = (heading as string)
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

function relativeLinks(file: string): string[] {
  const links = [...prose(readFileSync(join(ROOT, file), 'utf8')).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] as string);
  return links.filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('links in the README files and docs/', () => {
  it('finds the files to check', () => {
    expect(markdownFiles).toContain('README.md');
    expect(markdownFiles.filter((f) => f.startsWith('docs/')).length).toBeGreaterThan(3);
  });

  it.each(markdownFiles)('%s: every relative link and anchor resolves', (file) => {
    const broken: string[] = [];
    for (const link of relativeLinks(file)) {
      const [path = '', anchor] = link.split('#');
      const target = path === '' ? join(ROOT, file) : join(ROOT, dirname(file), decodeURIComponent(path));
      if (!existsSync(target)) {
        broken.push(`${link}: ${relative(ROOT, target)} does not exist`);
        continue;
      }
      if (anchor !== undefined && statSync(target).isFile() && target.endsWith('.md')) {
        if (!anchorsOf(readFileSync(target, 'utf8')).has(anchor)) broken.push(`${link}: no heading with anchor #${anchor} in ${relative(ROOT, target)}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('computes anchors as GitHub does', () => {
    expect([...anchorsOf('# Commands and ChargingProfiles\n## Set up\n## Set up\n### `pnpm serve`: one node\n')]).toEqual([
      'commands-and-chargingprofiles',
      'set-up',
      'set-up-1',
      '-one-node',
    ]);
  });
});
