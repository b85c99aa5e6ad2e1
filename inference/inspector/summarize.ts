/**
 * Turns the two gradients of the ELBO's terms (likelihood and weighted KL, same noise) into the
 * inspector's plain-number report: per parameter and role, per layer, per role, whole model.
 */
import * as tf from '@tensorflow/tfjs';
import type { ParameterGroup, ParameterRole } from './parameter-groups.js';
import { addSums, compareTerms, type GradientSums, type TermComparison } from './term-comparison.js';

/** The two terms whose gradients are compared. */
export type InspectedTerm = 'likelihood' | 'kl';

/** Comparison for one variable: a layer's parameter in one role. */
export interface ParameterGradientRow extends TermComparison {
  readonly layer: string;
  readonly parameter: string;
  readonly role: ParameterRole;
}

/** Comparison over all variables of one layer. */
export interface LayerGradientRow extends TermComparison {
  readonly layer: string;
}

/** A variable that got no gradient from a term: a sign of a broken graph (or, for the KL, a non-variational weight). */
export interface MissingGradient {
  readonly layer: string;
  readonly parameter: string;
  readonly role: ParameterRole;
  readonly term: InspectedTerm;
}

/** The inspector's report for one batch. Plain numbers only. */
export interface GradientInspection {
  /** Training step the noise position was taken at. */
  readonly step: number;
  readonly parameters: readonly ParameterGradientRow[];
  readonly layers: readonly LayerGradientRow[];
  /** Whole-model comparison restricted to each role (`loc`, `rawScale`, `weight`). */
  readonly roles: Readonly<Partial<Record<ParameterRole, TermComparison>>>;
  readonly model: TermComparison;
  readonly missingGradients: readonly MissingGradient[];
}

/** Gradients of the two terms keyed by variable name; absent = no gradient. Tensors stay the caller's. */
export interface TermGradients {
  readonly likelihood: tf.NamedTensorMap;
  readonly kl: tf.NamedTensorMap;
}

/** Σ g_L², Σ g_K², Σ g_L·g_K of every group, read from the device in one transfer. */
function groupSums(groups: readonly ParameterGroup[], gradients: TermGradients): GradientSums[] {
  const values = tf.tidy(() => {
    const parts = groups.flatMap((group) => {
      const zeros = () => tf.zeros(group.variable.shape);
      const gL = gradients.likelihood[group.variable.name] ?? zeros();
      const gK = gradients.kl[group.variable.name] ?? zeros();
      return [tf.sum(tf.square(gL)), tf.sum(tf.square(gK)), tf.sum(tf.mul(gL, gK))];
    });
    return parts.length === 0 ? tf.zeros([0]) : tf.stack(parts);
  });
  const data = values.dataSync();
  values.dispose();
  return groups.map((group, i) => ({
    likelihoodSquared: data[3 * i],
    klSquared: data[3 * i + 1],
    dot: data[3 * i + 2],
    size: group.variable.size,
  }));
}

/** Builds the report from the two gradients of `groups`' variables. */
export function summarizeGradients(step: number, groups: readonly ParameterGroup[], gradients: TermGradients): GradientInspection {
  const sums = groupSums(groups, gradients);
  const parameters = groups.map((g, i) => ({ layer: g.layer, parameter: g.parameter, role: g.role, ...compareTerms(sums[i]) }));
  const layerNames = [...new Set(groups.map((g) => g.layer))];
  const layers = layerNames.map((layer) => ({ layer, ...compareTerms(addSums(sums.filter((_, i) => groups[i].layer === layer))) }));
  const roles: Partial<Record<ParameterRole, TermComparison>> = {};
  for (const role of ['loc', 'rawScale', 'weight'] as const) {
    const members = sums.filter((_, i) => groups[i].role === role);
    if (members.length > 0) roles[role] = compareTerms(addSums(members));
  }
  const missingGradients: MissingGradient[] = [];
  for (const g of groups) {
    for (const term of ['likelihood', 'kl'] as const) {
      if (gradients[term][g.variable.name] === undefined)
        missingGradients.push({ layer: g.layer, parameter: g.parameter, role: g.role, term });
    }
  }
  return { step, parameters, layers, roles, model: compareTerms(addSums(sums)), missingGradients };
}
