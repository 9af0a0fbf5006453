using Rebel.Tensors.Kernels;

namespace Rebel.Tensors;

// The gated MLP nonlinearity of Llama-family models; kernels in Kernels/SwiGluKernels.cs.
public sealed partial class Tensor
{
    /// <summary>SwiGLU: y = silu(gate) ⊙ up = gate·σ(gate) ⊙ up, for two tensors of one shape.</summary>
    /// <remarks>Gradients: ∂L/∂gate = ∂L/∂y ⊙ up ⊙ σ(g)(1 + g(1 − σ(g))), ∂L/∂up = ∂L/∂y ⊙ silu(g).</remarks>
    /// <exception cref="ArgumentException">gate and up differ in shape.</exception>
    public static Tensor SwiGlu(Tensor gate, Tensor up)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(up);
        gate.CheckAlive(); up.CheckAlive();
        if (!ShapeMath.SameShape(gate.Dims, up.Dims))
            throw new ArgumentException($"SwiGlu: gate {ShapeMath.Format(gate.Dims)} and up {ShapeMath.Format(up.Dims)} must have one shape.");
        var g = gate.Contiguous();
        var u = up.Contiguous();
        var y = Empty(gate.ShapeArray, clear: false);
        SwiGluKernels.Forward(g.AsSpan(), u.AsSpan(), y.AsSpan());
        if (!Records(g, u)) return y;
        return y.Record("SwiGlu", [g, u], grad =>
        {
            var gc = grad.Contiguous();
            bool directG = true, directU = true;
            var dg = g.RequiresGrad ? GradTarget(g, out directG) : null;
            var du = u.RequiresGrad ? GradTarget(u, out directU) : null;
            SwiGluKernels.Backward(gc.AsSpan(), g.AsSpan(), u.AsSpan(),
                dg is null ? Span<float>.Empty : dg.Data.AsSpan(dg.Offset, dg.Size),
                du is null ? Span<float>.Empty : du.Data.AsSpan(du.Offset, du.Size));
            if (dg is not null && !directG) AccumulateGrad(g, dg);
            if (du is not null && !directU) AccumulateGrad(u, du);
        });
    }
}
