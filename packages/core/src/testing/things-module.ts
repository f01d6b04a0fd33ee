// A small custom module, both interfaces, that exercises every transport rule in the core's tests
// and in the adapter contract suite.
import { Type } from '@sinclair/typebox';
import { JsonText } from '../envelope.js';
import { OcpiError } from '../errors.js';
import type { OcpiModule } from '../module.js';

const Thing = Type.Object({ id: Type.String({ maxLength: 36 }), last_updated: Type.String(), name: Type.Optional(Type.String({ maxLength: 10 })) });

/** A small custom module, both interfaces, exercising every transport rule. */
export const thingsSender: OcpiModule = {
  identifier: 'nltst-things',
  role: 'SENDER',
  routes: [
    {
      method: 'GET',
      path: [],
      paginated: true,
      async handle(ctx) {
        const page = ctx.pagination!;
        const { items, total } = await ctx.node.store.objects.list({
          module: 'things',
          offset: page.offset,
          limit: page.limit,
          dateFrom: page.dateFrom,
          dateTo: page.dateTo,
        });
        return { data: items.map((i) => JsonText.of(i)), total };
      },
    },
    {
      method: 'GET',
      path: [':id'],
      async handle(ctx) {
        const { items } = await ctx.node.store.objects.list({ module: 'things', offset: 0, limit: 1000 });
        const found = items.find((i) => i.key.id === ctx.param('id').toUpperCase());
        if (!found) throw OcpiError.notFound(`Thing ${ctx.param('id')} not found`);
        return { data: found.data };
      },
    },
    {
      method: 'POST',
      path: ['boom'],
      handle: () => {
        throw new Error('secret internals /etc/passwd');
      },
    },
    { method: 'GET', path: ['echo', ':value'], handle: (ctx) => ({ data: { value: ctx.param('value'), routing: ctx.routing, query: ctx.query.get('q') } }) },
  ],
};

export const thingsReceiver: OcpiModule = {
  identifier: 'nltst-things',
  role: 'RECEIVER',
  routes: [
    {
      method: 'PUT',
      path: [':country_code', ':party_id', ':id'],
      clientOwned: true,
      body: { schema: Thing, name: 'Thing' },
      async handle(ctx) {
        const body = ctx.body as { id: string };
        if (body.id !== ctx.param('id')) throw OcpiError.invalid(`id '${body.id}' in the body differs from '${ctx.param('id')}' in the URL`);
        const { created } = await ctx.node.store.objects.put({ module: 'things', owner: ctx.owner!, id: body.id }, { data: body });
        return { httpStatus: created ? 201 : 200 };
      },
    },
    {
      method: 'GET',
      path: [':country_code', ':party_id', ':id'],
      clientOwned: true,
      async handle(ctx) {
        const found = await ctx.node.store.objects.get({ module: 'things', owner: ctx.owner!, id: ctx.param('id') });
        if (!found) throw OcpiError.notFound(`Thing ${ctx.param('id')} not found`);
        return { data: JsonText.of(found) };
      },
    },
  ],
};
