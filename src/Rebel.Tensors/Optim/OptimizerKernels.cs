using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Rebel.Tensors.Optim;

/// <summary>
/// Element-wise update kernels over spans (N = parameter size). Each is one fused pass: Vector256 lanes, then a
/// scalar tail computing the same float operations in the same order, so results do not depend on alignment.
/// Scalars arrive as float, the way PyTorch's CPU kernels receive them.
/// </summary>
internal static class OptimizerKernels
{
    /// <summary>
    /// One AdamW step, as torch.optim.AdamW (single-tensor path):
    /// θ ← θ·decay; m ← β₁·m + (1−β₁)·g; v ← β₂·v + (1−β₂)·g²; θ ← θ − stepSize · m / (√v / bc2Sqrt + ε),
    /// with decay = 1 − η·λ, stepSize = η / (1 − β₁ᵗ), bc2Sqrt = √(1 − β₂ᵗ).
    /// </summary>
    internal static void AdamW(Span<float> param, ReadOnlySpan<float> grad, Span<float> m, Span<float> v,
        float decay, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float stepSize, float bc2Sqrt, float eps)
    {
        int n = param.Length;
        Debug.Assert(grad.Length == n && m.Length == n && v.Length == n);
        ref float p = ref MemoryMarshal.GetReference(param);
        ref float g = ref MemoryMarshal.GetReference(grad);
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref float vr = ref MemoryMarshal.GetReference(v);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var decayV = Vector256.Create(decay);
            var b1 = Vector256.Create(beta1);
            var c1 = Vector256.Create(oneMinusBeta1);
            var b2 = Vector256.Create(beta2);
            var c2 = Vector256.Create(oneMinusBeta2);
            var stepV = Vector256.Create(stepSize);
            var bc2 = Vector256.Create(bc2Sqrt);
            var epsV = Vector256.Create(eps);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var gi = Vector256.LoadUnsafe(ref g, (nuint)i);
                var pi = Vector256.LoadUnsafe(ref p, (nuint)i) * decayV;
                var mi = Vector256.LoadUnsafe(ref mr, (nuint)i) * b1 + gi * c1;
                var vi = Vector256.LoadUnsafe(ref vr, (nuint)i) * b2 + gi * gi * c2;
                var denom = Vector256.Sqrt(vi) / bc2 + epsV;
                pi -= stepV * mi / denom;
                pi.StoreUnsafe(ref p, (nuint)i);
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float gi = Unsafe.Add(ref g, i);
            float pi = Unsafe.Add(ref p, i) * decay;
            float mi = Unsafe.Add(ref mr, i) * beta1 + gi * oneMinusBeta1;
            float vi = Unsafe.Add(ref vr, i) * beta2 + gi * gi * oneMinusBeta2;
            float denom = MathF.Sqrt(vi) / bc2Sqrt + eps;
            pi -= stepSize * mi / denom;
            Unsafe.Add(ref p, i) = pi;
            Unsafe.Add(ref mr, i) = mi;
            Unsafe.Add(ref vr, i) = vi;
        }
    }

    /// <summary>
    /// One SGD step, as torch.optim.SGD: d ← g + λ·θ; with momentum μ: b ← d on the first step, else
    /// b ← μ·b + (1−τ)·d, and d ← d + μ·b (Nesterov) or d ← b; finally θ ← θ − η·d.
    /// <paramref name="buffer"/> is ignored (may be empty) when <paramref name="momentum"/> is 0.
    /// </summary>
    internal static void Sgd(Span<float> param, ReadOnlySpan<float> grad, Span<float> buffer, bool firstStep,
        float lr, float momentum, float oneMinusDampening, float weightDecay, bool nesterov)
    {
        int n = param.Length;
        bool useMomentum = momentum != 0f;
        Debug.Assert(grad.Length == n && (!useMomentum || buffer.Length == n));
        ref float p = ref MemoryMarshal.GetReference(param);
        ref float g = ref MemoryMarshal.GetReference(grad);
        ref float b = ref MemoryMarshal.GetReference(buffer);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var lrV = Vector256.Create(lr);
            var mu = Vector256.Create(momentum);
            var damp = Vector256.Create(oneMinusDampening);
            var wd = Vector256.Create(weightDecay);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var pi = Vector256.LoadUnsafe(ref p, (nuint)i);
                var d = Vector256.LoadUnsafe(ref g, (nuint)i);
                if (weightDecay != 0f) d += pi * wd;
                if (useMomentum)
                {
                    var bi = firstStep ? d : Vector256.LoadUnsafe(ref b, (nuint)i) * mu + d * damp;
                    bi.StoreUnsafe(ref b, (nuint)i);
                    d = nesterov ? d + bi * mu : bi;
                }
                (pi - d * lrV).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float pi = Unsafe.Add(ref p, i);
            float d = Unsafe.Add(ref g, i);
            if (weightDecay != 0f) d += pi * weightDecay;
            if (useMomentum)
            {
                float bi = firstStep ? d : Unsafe.Add(ref b, i) * momentum + d * oneMinusDampening;
                Unsafe.Add(ref b, i) = bi;
                d = nesterov ? d + bi * momentum : bi;
            }
            Unsafe.Add(ref p, i) = pi - d * lr;
        }
    }

    /// <summary>Σ xᵢ² accumulated in double (exact enough for any float input; no overflow).</summary>
    internal static double SumOfSquares(ReadOnlySpan<float> x)
    {
        ref float r = ref MemoryMarshal.GetReference(x);
        int n = x.Length;
        int i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var acc0 = Vector256<double>.Zero;
            var acc1 = Vector256<double>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)i));
                acc0 += lo * lo;
                acc1 += hi * hi;
            }
            sum = Vector256.Sum(acc0 + acc1);
        }
        for (; i < n; i++)
        {
            double xi = Unsafe.Add(ref r, i);
            sum += xi * xi;
        }
        return sum;
    }

    /// <summary>x ← x·scale.</summary>
    internal static void Scale(Span<float> x, float scale) =>
        System.Numerics.Tensors.TensorPrimitives.Multiply(x, scale, x);
}
