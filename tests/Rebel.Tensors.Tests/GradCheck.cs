using Rebel.Tensors;

namespace Rebel.Tensors.Tests;

/// <summary>
/// Checks an op's backward against central finite differences. The scalar probed is L = Σ wᵢ·f(x)ᵢ with fixed random
/// weights w, accumulated in double precision; each input element is perturbed by ±h in turn.
/// </summary>
internal static class GradCheck
{
    /// <summary>Asserts that analytic and numeric gradients agree: ‖a − n‖ / max(‖a‖, ‖n‖) ≤ tolerance for every input.</summary>
    public static void Verify(Func<Tensor[], Tensor> f, Tensor[] inputs, double h = 1e-2, double tolerance = 1e-3, ulong seed = 7)
    {
        foreach (var x in inputs) { x.RequiresGrad = true; x.ZeroGrad(); }
        var output = f(inputs);
        var rng = new Rng(seed);
        var w = new float[output.Size];
        rng.FillUniform(w, -1f, 1f);
        var weights = Tensor.FromArray(w, output.ShapeArray);
        (output * weights).Sum().Backward();

        double Loss()
        {
            using var _ = Tensor.NoGrad();
            var o = f(inputs).ToArray();
            double s = 0;
            for (int i = 0; i < o.Length; i++) s += (double)w[i] * o[i];
            return s;
        }

        for (int t = 0; t < inputs.Length; t++)
        {
            var x = inputs[t];
            var analytic = x.Grad?.ToArray() ?? new float[x.Size];
            var data = x.AsSpanForTest();
            double num2 = 0, ana2 = 0, diff2 = 0;
            for (int i = 0; i < x.Size; i++)
            {
                float saved = data[i];
                data[i] = saved + (float)h; double up = Loss();
                data[i] = saved - (float)h; double down = Loss();
                data[i] = saved;
                double numeric = (up - down) / (2 * h);
                num2 += numeric * numeric;
                ana2 += (double)analytic[i] * analytic[i];
                diff2 += (numeric - analytic[i]) * (numeric - analytic[i]);
            }
            double scale = Math.Max(Math.Sqrt(Math.Max(num2, ana2)), 1e-6);
            double rel = Math.Sqrt(diff2) / scale;
            NUnit.Framework.Assert.That(rel, Is.LessThanOrEqualTo(tolerance),
                $"input {t} {Shape(x)}: relative gradient error {rel:E3} (‖analytic‖ = {Math.Sqrt(ana2):G4}, ‖numeric‖ = {Math.Sqrt(num2):G4})");
        }
    }

    public static Tensor Randn(ulong seed, params int[] shape) => Tensor.Normal(new Rng(seed), 1f, shape);

    /// <summary>Values bounded away from zero (for log, sqrt, division).</summary>
    public static Tensor RandPositive(ulong seed, params int[] shape) => Tensor.Uniform(new Rng(seed), 0.5f, 2f, shape);

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.ShapeArray) + "]";

    private static Span<float> AsSpanForTest(this Tensor t) => t.AsSpan();
}
