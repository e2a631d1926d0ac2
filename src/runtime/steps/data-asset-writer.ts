/**
 * `dataAssetWriter()`: the built-in sink that writes Pylon data assets to a bucket, partitioned by
 * their keys (see data-asset-writer.handler.ts for the layout). A plain function returning a node, like
 * any shared step.
 */
import { fn, type Fn, type FnProps } from '../../model/fn.js';
import { ownFile } from '../../bundling/source-ext.js';

const HANDLER = ownFile('./data-asset-writer.handler', import.meta.url);

/** Props of the data asset writer: a function's, without the handler (it is built in). */
export type DataAssetWriterProps = Omit<FnProps, 'handler'>;

/**
 * The built-in data asset writer, named `name`: wire data asset envelopes to it and it to a bucket.
 * @example
 * assets.to(queue('asset-writes'), { filterPolicy: { objectType: ['dataAsset'] } }).to(dataAssetWriter('write-assets')).to(bucket('lake'));
 */
export function dataAssetWriter(name = 'data-asset-writer', props: DataAssetWriterProps = {}): Fn {
  return fn(name, { ...props, handler: HANDLER });
}
