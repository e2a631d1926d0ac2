/**
 * What a stage has deployed, node by node: each resource of the stack (nested stacks included) with
 * its physical id, grouped by the node its `sluice:path` metadata names in the deployed templates, so
 * commands reach exactly what is deployed, not what the code says today.
 */
import { GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import type { Pipeline } from '../../model/pipeline.js';
import type { Template } from '../synth/template.js';
import type { AwsSession } from './aws.js';
import { deployedTemplate, stackResources, type DeployedResource } from './stack.js';

/** One deployed resource of a node. */
export interface NodeResource {
  part: string;
  logicalId: string;
  type: string;
  physicalId?: string;
  status: string;
}

/** One node's deployed resources. */
export interface DeployedNode {
  node: string;
  kind?: string;
  resources: NodeResource[];
}

/**
 * The resources of a deployed stack grouped by node (from `sluice:path` in the deployed templates,
 * nested stacks included); edge and stack-wide resources under `other`.
 */
export async function deployedNodes(aws: AwsSession, pipe: Pipeline, stackName: string): Promise<{ nodes: Map<string, DeployedNode>; other: NodeResource[] }> {
  const resources = await stackResources(aws, stackName);
  const templates = await templatesOf(aws, stackName, resources);
  const byNode = new Map<string, DeployedNode>();
  const other: NodeResource[] = [];
  for (const r of resources) {
    if (r.type === 'AWS::CloudFormation::Stack') continue;
    const path = templates.get(r.stack)?.Resources[r.logicalId]?.Metadata?.['sluice:path'];
    const text = typeof path === 'string' ? path : r.logicalId;
    const slash = text.indexOf('/');
    const owner = slash > 0 ? text.slice(0, slash) : '';
    const entry: NodeResource = { part: slash > 0 ? text.slice(slash + 1) : text, logicalId: r.logicalId, type: r.type, ...(r.physicalId ? { physicalId: r.physicalId } : {}), status: r.status };
    if (!owner || owner.includes('->')) {
      other.push({ ...entry, part: text });
      continue;
    }
    let node = byNode.get(owner);
    if (!node) {
      const kind = pipe.node(owner)?.kind;
      byNode.set(owner, (node = { node: owner, ...(kind ? { kind } : {}), resources: [] }));
    }
    node.resources.push(entry);
  }
  return { nodes: byNode, other };
}

async function templatesOf(aws: AwsSession, root: string, resources: DeployedResource[]): Promise<Map<string, Template>> {
  const templates = new Map<string, Template>();
  const rootTemplate = await deployedTemplate(aws, root);
  if (rootTemplate) templates.set(root, rootTemplate);
  for (const stack of new Set(resources.map((r) => r.stack))) {
    if (templates.has(stack)) continue;
    const out = await aws.call(`reading the template of nested stack '${stack}'`, () => aws.cloudformation.send(new GetTemplateCommand({ StackName: stack })));
    if (out.TemplateBody) templates.set(stack, JSON.parse(out.TemplateBody) as Template);
  }
  return templates;
}
