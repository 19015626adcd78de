import { describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { argoHolderOf, sampleExpression, substituteArgoExpressions } from './argo-samples';

const template = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'WorkflowTemplate',
  metadata: { name: 't', namespace: 'spark-jobs' },
  spec: {
    arguments: {
      parameters: [
        { name: 'executorCores', value: '' },
        { name: 'size', enum: ['small', 'large'] },
        { name: 'jobId', value: 'orders' },
      ],
    },
  },
};

describe('Argo expression samples', () => {
  const holder = argoHolderOf(template);

  test('reads the namespace and each parameter default (value, else the first enum entry)', () => {
    expect(holder.namespace).toBe('spark-jobs');
    expect([...holder.parameters]).toEqual([
      ['executorCores', ''],
      ['size', 'small'],
      ['jobId', 'orders'],
    ]);
  });

  test('an empty parameter takes the literal its expression falls back to; a set one its value', () => {
    expect(
      sampleExpression(
        "=workflow.parameters.executorCores == '' ? '4' : workflow.parameters.executorCores",
        holder,
        'w',
      ),
    ).toBe('4');
    expect(sampleExpression('workflow.parameters.jobId', holder, 'w')).toBe('orders');
  });

  test('substitutes on the text, as Argo does, so quoting decides the type the server sees', () => {
    const text = substituteArgoExpressions(
      'metadata:\n  name: "{{workflow.name}}-a"\n  namespace: "{{workflow.namespace}}"\nspec:\n' +
        "  quoted: \"{{=workflow.parameters.executorCores == '' ? '2' : workflow.parameters.executorCores}}\"\n" +
        "  bare: {{=workflow.parameters.executorCores == '' ? '2' : workflow.parameters.executorCores}}\n",
      holder,
      'w',
    );
    expect(parseYaml(text)).toEqual({
      metadata: { name: 'sample-wf-x7k2p-a', namespace: 'spark-jobs' },
      spec: { quoted: '2', bare: 2 },
    });
  });

  test('fails naming the expression when it has no sample, or names an undeclared parameter', () => {
    expect(() => sampleExpression('inputs.parameters.x', holder, 'file T/t templates[0]')).toThrow(
      /file T\/t templates\[0\]: no sample for the Argo expression \{\{inputs.parameters.x\}\}/,
    );
    expect(() => sampleExpression('workflow.parameters.nope', holder, 'w')).toThrow(
      /parameter 'nope'.*not declared/,
    );
  });
});
