/**
 * Scaling laws (DESIGN §4 "Scaling laws").
 *
 * Loss:  L(N, D) = E + A/N^α + B/D^β with the Epoch AI refit of Chinchilla Approach 3
 *        (Besiroglu et al. 2024, arXiv:2404.10102): E=1.8172, A=482.01, B=2085.43, α=0.3478, β=0.3658.
 * Compute-optimal (N, D) for a budget C = 6ND: N_opt = G·(C/6)^a, D_opt = (C/6)^b / G,
 *        G = (αA/(βB))^(1/(α+β)), a = β/(α+β), b = α/(α+β). ≈18–21 tokens/param at 1e21–1e24 FLOPs.
 *        (Hoffmann's rounded Approach-3 constants are NOT used: they give ≈60–90 tokens/param.)
 * Compute-optimal tokens for a given model: ≈20·N (Hoffmann et al. 2022, Approaches 1/2; a setting).
 * Inference-aware optimum (Sardana et al. 2024, arXiv:2401.00448): minimise 6·N·D + 2·N·D_inf subject to
 *        L(N, D) = ℓ, the loss the configured run is predicted to reach.
 */

export const EPOCH = { E: 1.8172, A: 482.01, B: 2085.43, alpha: 0.3478, beta: 0.3658 } as const;

export function predictedLoss(n: number, d: number): number {
  return EPOCH.E + EPOCH.A / n ** EPOCH.alpha + EPOCH.B / d ** EPOCH.beta;
}

export function computeOptimal(flops: number): { params: number; tokens: number } {
  const { A, B, alpha, beta } = EPOCH;
  const G = ((alpha * A) / (beta * B)) ** (1 / (alpha + beta));
  const a = beta / (alpha + beta);
  const b = alpha / (alpha + beta);
  const c6 = flops / 6;
  return { params: G * c6 ** a, tokens: c6 ** b / G };
}

/** Tokens needed for a model of n params to reach loss ℓ; undefined when ℓ is unreachable at that size. */
export function tokensForLoss(n: number, loss: number): number | undefined {
  const rest = loss - EPOCH.E - EPOCH.A / n ** EPOCH.alpha;
  if (!(rest > 0)) return undefined;
  return (EPOCH.B / rest) ** (1 / EPOCH.beta);
}

/**
 * Sardana et al.: the (N, D) reaching the same predicted loss as (n, d) at the least lifetime compute
 * 6·N·D + 2·N·D_inf. Golden-section search over log N on the range where the loss is reachable.
 */
export function inferenceAwareOptimal(
  n: number,
  d: number,
  inferenceTokens: number,
): { params: number; tokens: number; totalFlops: number; savedFlops: number } | undefined {
  if (!(n > 0 && d > 0 && inferenceTokens >= 0)) return undefined;
  const loss = predictedLoss(n, d);
  const cost = (N: number): number => {
    const D = tokensForLoss(N, loss);
    return D === undefined ? Number.POSITIVE_INFINITY : 6 * N * D + 2 * N * inferenceTokens;
  };
  // Smallest N that can reach the loss: A/N^α < loss − E.
  const nMin = (EPOCH.A / (loss - EPOCH.E)) ** (1 / EPOCH.alpha);
  let lo = Math.log(nMin * 1.0001);
  let hi = Math.log(Math.max(n * 1e3, nMin * 10));
  const phi = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - phi * (hi - lo);
  let x2 = lo + phi * (hi - lo);
  let f1 = cost(Math.exp(x1));
  let f2 = cost(Math.exp(x2));
  for (let i = 0; i < 200 && hi - lo > 1e-9; i++) {
    if (f1 < f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - phi * (hi - lo);
      f1 = cost(Math.exp(x1));
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + phi * (hi - lo);
      f2 = cost(Math.exp(x2));
    }
  }
  const N = Math.exp((lo + hi) / 2);
  const D = tokensForLoss(N, loss);
  if (D === undefined) return undefined;
  const total = 6 * N * D + 2 * N * inferenceTokens;
  const current = 6 * n * d + 2 * n * inferenceTokens;
  return { params: N, tokens: D, totalFlops: total, savedFlops: current - total };
}
