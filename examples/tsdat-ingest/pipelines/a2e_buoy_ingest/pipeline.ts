/**
 * The buoy ingest (Tsdat's a2e_buoy_ingest): one handler for both buoys; what differs between
 * Humboldt and Morro Bay (column names, units, valid ranges) is in config/<location>.yaml.
 */
import { component, type RoutedCtx } from 'sluice/runtime';
import { ingest, locationConfig, type LocationConfig } from '../shared/standardize.js';

export default component(async (input, ctx) => ingest(input, ctx as RoutedCtx<LocationConfig>), { config: locationConfig });
