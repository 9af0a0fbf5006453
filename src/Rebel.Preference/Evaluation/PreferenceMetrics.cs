namespace Rebel.Preference.Evaluation;

/// <summary>How well a preference model's P(a ≻ b) matches labelled records (see <see cref="PreferenceEvaluator"/>).</summary>
/// <param name="Count">Records evaluated.</param>
/// <param name="Accuracy">Share of records with p ≠ ½ where the model's side (q &gt; ½) matches the label's (p &gt; ½); q = ½ counts as half right. NaN when every label is ½.</param>
/// <param name="LogLoss">Mean −[p ln q + (1 − p) ln(1 − q)], q clamped to [1e-12, 1 − 1e-12].</param>
/// <param name="ExpectedCalibrationError">Σ_b (n_b / N) |mean p − mean q| over 10 equal-width bins of q.</param>
/// <param name="CyclicTripleShare">Among triples of distinct completions of the same prompt, the share whose predicted pairwise preferences form a cycle (a ≻ b ≻ c ≻ a or the reverse); NaN when there are none.</param>
/// <param name="Triples">Number of triples behind <paramref name="CyclicTripleShare"/>.</param>
public sealed record PreferenceMetrics(int Count, double Accuracy, double LogLoss, double ExpectedCalibrationError, double CyclicTripleShare, int Triples);
