/**
 * The small classes several modules share (defined in mod_locations, used by credentials, tariffs and
 * CDRs too): GeoLocation, Image, BusinessDetails, EnergySource, EnvironmentalImpact, EnergyMix. Their
 * shape is the same in every version; the enums inside (ImageCategory, EnergySourceCategory,
 * EnvironmentalImpactCategory) and the coordinate regexes are the version's.
 */
import type { TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { CiString, MESSAGES_KEYWORD, OcpiString, Url } from './basic.js';

/**
 * mod_locations "GeoLocation class". Latitude string(10), longitude string(11), with the regexes of the
 * version's spec anchored (both the length and the pattern apply); `decimals` says them in words.
 */
export function geoLocationSchema(coordinates: { latitude: string; longitude: string; decimals: string }) {
  return Type.Object(
    {
      latitude: Type.String({
        maxLength: 10,
        pattern: coordinates.latitude,
        [MESSAGES_KEYWORD]: { pattern: `must be a latitude in decimal degrees with ${coordinates.decimals} decimals (e.g. 51.047599)` },
      }),
      longitude: Type.String({
        maxLength: 11,
        pattern: coordinates.longitude,
        [MESSAGES_KEYWORD]: { pattern: `must be a longitude in decimal degrees with ${coordinates.decimals} decimals (e.g. 3.729944)` },
      }),
    },
    { title: 'GeoLocation' },
  );
}

/** The enums the shared classes use, as the version defines them. */
export interface ClassEnums {
  ImageCategory: TSchema;
  EnergySourceCategory: TSchema;
  EnvironmentalImpactCategory: TSchema;
}

/** The shared classes over one version's enums. */
export function classSchemas<E extends ClassEnums>(enums: E) {
  /** mod_locations "Image class". `width`/`height` are int(5): at most five digits. */
  const Image = Type.Object(
    {
      url: Url,
      thumbnail: Type.Optional(Url),
      category: enums.ImageCategory,
      // The table says CiString(4) (its link points at string); CiString is the stricter reading.
      type: CiString(4),
      width: Type.Optional(Type.Integer({ minimum: 0, maximum: 99999 })),
      height: Type.Optional(Type.Integer({ minimum: 0, maximum: 99999 })),
    },
    { title: 'Image' },
  );

  /** mod_locations "BusinessDetails class". */
  const BusinessDetails = Type.Object(
    {
      name: OcpiString(100),
      website: Type.Optional(Url),
      logo: Type.Optional(Image),
    },
    { title: 'BusinessDetails' },
  );

  /** mod_locations "EnergySource class": percentage of this source (0-100) in the mix. */
  const EnergySource = Type.Object(
    {
      source: enums.EnergySourceCategory,
      percentage: Type.Number({ minimum: 0, maximum: 100 }),
    },
    { title: 'EnergySource' },
  );

  /** mod_locations "EnvironmentalImpact class" (amount in g/kWh). */
  const EnvironmentalImpact = Type.Object(
    {
      category: enums.EnvironmentalImpactCategory,
      amount: Type.Number(),
    },
    { title: 'EnvironmentalImpact' },
  );

  return { Image, BusinessDetails, EnergySource, EnvironmentalImpact };
}

/** mod_locations "EnergyMix class", over the version's EnergySource and EnvironmentalImpact. */
export function energyMixSchema<S extends TSchema, I extends TSchema>(parts: { EnergySource: S; EnvironmentalImpact: I }) {
  return Type.Object(
    {
      is_green_energy: Type.Boolean(),
      energy_sources: Type.Optional(Type.Array(parts.EnergySource)),
      environ_impact: Type.Optional(Type.Array(parts.EnvironmentalImpact)),
      supplier_name: Type.Optional(OcpiString(64)),
      energy_product_name: Type.Optional(OcpiString(64)),
    },
    { title: 'EnergyMix' },
  );
}
