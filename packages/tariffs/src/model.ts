// What the engine takes and gives. The inputs are structural: an OCPI 2.2.1 or 2.3.0 Tariff, Session
// or CDR object (as parsed JSON, or as the core's types) fits them as it is.
import type { Decimal } from './decimal.js';

// ---- inputs ----

/** The tariff dimensions (mod_tariffs "TariffDimensionType"). */
export type TariffDimension = 'ENERGY' | 'FLAT' | 'PARKING_TIME' | 'TIME';

export interface PriceComponentInput {
  type: string;
  /** Per kWh (ENERGY), per hour (TIME, PARKING_TIME) or once (FLAT). 2.3.0: including tax when `tax_included` is YES. */
  price: number;
  /** VAT percentage; absent: no VAT applicable (2.2.1), or not stated (2.3.0). */
  vat?: number | undefined;
  /** In Wh (ENERGY) or seconds (TIME, PARKING_TIME); unused for FLAT. */
  step_size: number;
}

export interface TariffRestrictionsInput {
  start_time?: string | undefined;
  end_time?: string | undefined;
  start_date?: string | undefined;
  end_date?: string | undefined;
  min_kwh?: number | undefined;
  max_kwh?: number | undefined;
  min_current?: number | undefined;
  max_current?: number | undefined;
  min_power?: number | undefined;
  max_power?: number | undefined;
  min_duration?: number | undefined;
  max_duration?: number | undefined;
  day_of_week?: readonly string[] | undefined;
  /** RESERVATION or RESERVATION_EXPIRES. */
  reservation?: string | undefined;
  /** 2.3.0 Bookings: BOOKING, BOOKING_EXPIRES, BOOKING_CANCELLATION_FEES, BOOKING_OVERTIME. */
  booking?: string | undefined;
}

export interface TariffElementInput {
  price_components: readonly PriceComponentInput[];
  restrictions?: TariffRestrictionsInput | undefined;
}

/** 2.2.1 Price (excl_vat/incl_vat) or 2.3.0 PriceLimit (before_taxes/after_taxes). */
export type PriceLimitInput = { excl_vat: number; incl_vat?: number | undefined } | { before_taxes: number; after_taxes?: number | undefined };

export interface DisplayTextInput {
  language: string;
  text: string;
}

/** A Tariff of OCPI 2.2.1 or 2.3.0. */
export interface TariffInput {
  id: string;
  currency: string;
  country_code?: string | undefined;
  party_id?: string | undefined;
  /** TariffType: REGULAR, AD_HOC_PAYMENT, PROFILE_CHEAP, ...; absent: valid for all sessions. */
  type?: string | undefined;
  tariff_alt_text?: readonly DisplayTextInput[] | undefined;
  tariff_alt_url?: string | undefined;
  min_price?: PriceLimitInput | undefined;
  max_price?: PriceLimitInput | undefined;
  elements?: readonly TariffElementInput[] | undefined;
  /** 2.3.0: YES, NO or N/A. Its presence (or a PriceLimit) makes the tariff a 2.3.0 one. */
  tax_included?: string | undefined;
  start_date_time?: string | undefined;
  end_date_time?: string | undefined;
  last_updated?: string | undefined;
}

export interface CdrDimensionInput {
  type: string;
  volume: number;
}

export interface ChargingPeriodInput {
  start_date_time: string;
  dimensions: readonly CdrDimensionInput[];
  tariff_id?: string | undefined;
}

/** A Session or CDR of OCPI 2.2.1 or 2.3.0: what pricing needs of it. */
export interface SessionInput {
  /** Start of the session, or of the reservation that preceded it. */
  start_date_time: string;
  /** End of the session; absent while it runs (then `now`, or the last period's start). */
  end_date_time?: string | undefined;
  charging_periods?: readonly ChargingPeriodInput[] | undefined;
  /** 2.3.0 Bookings: a CDR of a booking. */
  booking_id?: string | undefined;
}

/** How the reservation (or booking) before a session ended, which selects its TariffElements. */
export type ReservationOutcome = 'USED' | 'EXPIRED' | 'CANCELLED';

export interface PriceOptions {
  /** The Tariffs the periods refer to (by `tariff_id`); a period without one uses the Tariff in force at the session's start. */
  tariffs: readonly TariffInput[];
  /** IANA time zone of the Location (`Location.time_zone`): restrictions are in its local time. */
  timeZone: string;
  /** Semantics of the tariffs' prices; default: 2.3.0 when a tariff has `tax_included` or a PriceLimit, else 2.2.1. */
  version?: '2.2.1' | '2.3.0';
  /** Among several tariffs in force without `tariff_id` on the periods: the TariffType of the session (e.g. PROFILE_GREEN). */
  tariffType?: string;
  /**
   * The reservation or booking before the session (periods with a RESERVATION_TIME dimension).
   * Default: a booking when the session has `booking_id`; EXPIRED when no period is a charging one
   * (or one has a RESERVATION_EXPIRES dimension), otherwise USED.
   */
  reservation?: { kind?: 'RESERVATION' | 'BOOKING'; outcome?: ReservationOutcome };
  /** The end of a session still running (default: its last period's start). */
  now?: string | Date;
  /** Also say, per priced line, which earlier elements were passed over and why (slower; for people). */
  explain?: boolean;
}

// ---- outputs ----

/** What a cost belongs to, as the CDR's `total_*_cost` fields split it. */
export type CostCategory = 'fixed' | 'energy' | 'time' | 'parking' | 'reservation';

/** An amount before and after tax, exact. `null`: not known (2.3.0 prices whose tax is not stated). */
export interface Money {
  exclTax: Decimal | null;
  inclTax: Decimal | null;
  /**
   * The tax in the amount, per VAT percentage the tariff states; `percentage` null for one amount of
   * tax that min_price/max_price left not attributable to one rate.
   */
  taxes: { percentage: Decimal | null; amount: Decimal }[];
}

/** One priced dimension of one period. */
export interface PriceLine {
  dimension: TariffDimension;
  category: CostCategory;
  tariffId: string;
  /** Index of the TariffElement (0-based) whose PriceComponent priced it. */
  element: number;
  /** Why that element: its restrictions in words ("first element with TIME; max_current < 32 A"). */
  why: string;
  /** With `explain`: the elements with this dimension passed over before it, and the restriction that failed. */
  passedOver?: { element: number; reason: string }[];
  /** kWh (ENERGY), hours (TIME, PARKING_TIME, reservation TIME) or 1 (FLAT). */
  quantity: Decimal;
  /** The quantity billed: differs from `quantity` only on the period that takes the session's step_size rounding. */
  billed: Decimal;
  unit: 'kWh' | 'h' | 'flat';
  price: Decimal;
  vat: Decimal | undefined;
  stepSize: number;
  cost: Money;
}

export interface PeriodBreakdown {
  index: number;
  start: string;
  end: string;
  /** With `explain`: the local date, time and weekday at the start. */
  local?: string;
  tariffId: string | undefined;
  phase: 'charging' | 'reservation';
  lines: PriceLine[];
}

export interface PriceAdjustment {
  tariffId: string;
  kind: 'MIN_PRICE' | 'MAX_PRICE';
  side: 'exclTax' | 'inclTax';
  from: Decimal;
  to: Decimal;
}

export interface PriceNote {
  code: string;
  message: string;
}

export interface PriceBreakdown {
  version: '2.2.1' | '2.3.0';
  currency: string;
  timeZone: string;
  /** The tariffs used, in order of first use. */
  tariffIds: string[];
  periods: PeriodBreakdown[];
  quantities: {
    /** kWh charged (all periods), and billed (the priced periods' total after step_size). */
    energy: Decimal;
    billedEnergy: Decimal;
    /** Hours charging, parking, reserved; and billed. */
    chargingTime: Decimal;
    billedChargingTime: Decimal;
    parkingTime: Decimal;
    billedParkingTime: Decimal;
    reservationTime: Decimal;
    billedReservationTime: Decimal;
    /** 2.3.0 Bookings: hours after the booked slot (RESERVATION_OVERTIME), and billed by BOOKING_OVERTIME elements. */
    overtime: Decimal;
    billedOvertime: Decimal;
    /** Hours from the session's start to its end (the CDR's `total_time`). */
    totalTime: Decimal;
  };
  /** Per category, before min_price/max_price. */
  costs: Record<CostCategory, Money>;
  /** The categories a tariff has a price component for (the CDR's optional `total_*_cost` fields to fill). */
  categories: CostCategory[];
  /** The session's cost, after min_price/max_price. */
  total: Money;
  adjustments: PriceAdjustment[];
  /** What the engine assumed or tolerated (a period without time dimensions, an alt text, ...). */
  notes: PriceNote[];
}

export type PriceErrorCode = 'NO_TARIFF' | 'NOT_COMPUTABLE' | 'CURRENCY_MISMATCH' | 'INVALID_INPUT' | 'UNKNOWN_TIME_ZONE';

export interface PriceError {
  code: PriceErrorCode;
  message: string;
  /** NOT_COMPUTABLE: the tariff's alternative texts, which are all there is to it. */
  altText?: readonly DisplayTextInput[];
}

export type PriceResult = { ok: true; breakdown: PriceBreakdown } | { ok: false; error: PriceError };
