/**
 * The tide gauge ingest (Tsdat's tide_data_ingest): one location, MCRL; water level in feet becomes
 * metres, as config/mcrl.yaml says.
 */
import { component, type RoutedCtx } from 'sluice/runtime';
import { ingest, locationConfig, type LocationConfig } from '../shared/standardize.js';

export default component(async (input, ctx) => ingest(input, ctx as RoutedCtx<LocationConfig>), { config: locationConfig });
