// A conformance report as a table for people, JSON for programs, and JUnit XML for CI.
import { type Style, table } from '../io.js';
import type { ConformanceReport } from './runner.js';

export function reportTable(report: ConformanceReport, style: Style): string {
  const mark = { pass: style.green('PASS'), fail: style.red('FAIL'), skip: style.dim('SKIP') };
  const rows = [[style.bold('check'), style.bold('result'), style.bold('spec section'), style.bold('detail')]];
  for (const check of report.checks) rows.push([check.id, mark[check.status], check.section, check.detail ?? '']);
  const { passed, failed, skipped } = report.summary;
  const head = `OCPI conformance of ${report.target}${report.partner.length ? ` (${report.partner.join(', ')})` : ''}, as ${report.ours.party} ${report.ours.role}${report.write ? ', with writes' : ''}`;
  const tail = `${passed} passed, ${failed ? style.red(`${failed} failed`) : '0 failed'}, ${skipped} skipped in ${report.seconds.toFixed(1)} s`;
  return `${style.bold(head)}\n${table(rows)}\n${tail}`;
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function reportJunit(report: ConformanceReport): string {
  const { passed, failed, skipped } = report.summary;
  const tests = passed + failed + skipped;
  const cases = report.checks.map((check) => {
    const name = xml(`${check.id}: ${check.title}`);
    const open = `    <testcase classname="ocpi.conformance.${check.phase}" name="${name}" time="${(check.ms / 1000).toFixed(3)}">`;
    const detail = xml(check.detail ?? '');
    const body =
      check.status === 'fail'
        ? `\n      <failure message="${detail}">${xml(`${check.section}\n${check.detail ?? ''}`)}</failure>\n    `
        : check.status === 'skip'
          ? `\n      <skipped message="${detail}"/>\n    `
          : '';
    return `${open}${body}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ocpi conformance" tests="${tests}" failures="${failed}" skipped="${skipped}" time="${report.seconds.toFixed(3)}">`,
    `  <testsuite name="${xml(`OCPI 2.2.1 conformance of ${report.target}`)}" tests="${tests}" failures="${failed}" skipped="${skipped}" time="${report.seconds.toFixed(3)}" timestamp="${report.startedAt}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
