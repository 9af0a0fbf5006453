namespace Rebel.Tensors.Optim;

/// <summary>Gradient clipping by global L2 norm, as torch.nn.utils.clip_grad_norm_.</summary>
public static class GradientClipping
{
    /// <summary>‖g‖ = √(Σ over parameters Σ gᵢ²), accumulated in double; parameters without a gradient are skipped (0 when none has one).</summary>
    /// <remarks>Partial sums over fixed chunks (several cores for large models) are added in order, so the result is deterministic.</remarks>
    public static double GlobalNorm(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var grads = Gradients(parameters);
        var plan = new ChunkPlan(grads.Select(g => g.Size).ToArray());
        var partial = new double[plan.Count];
        plan.Run(c =>
        {
            var (i, start, length) = plan[c];
            partial[c] = OptimizerKernels.SumOfSquares(grads[i].Data.AsSpan(grads[i].Offset + start, length));
        });
        double sum = 0;
        foreach (var s in partial) sum += s;
        return Math.Sqrt(sum);
    }

    /// <summary>The non-null gradients, checked to be contiguous (so their storage can be sliced).</summary>
    private static Tensor[] Gradients(IEnumerable<Tensor> parameters)
    {
        var grads = new List<Tensor>();
        foreach (var p in parameters)
        {
            if (p.Grad is null) continue;
            p.Grad.AsSpan(); // throws for a released or strided gradient
            grads.Add(p.Grad);
        }
        return grads.ToArray();
    }

    /// <summary>
    /// Scales every gradient by c = min(1, maxNorm / (‖g‖ + 1e-6)) so that the global norm is at most
    /// <paramref name="maxNorm"/>, and returns ‖g‖ measured before clipping.
    /// </summary>
    /// <remarks>
    /// A NaN or infinite norm is returned as it is and the gradients are left untouched (scaling would only spread
    /// the NaN): the caller should see it, log it and skip the optimizer step. With
    /// <paramref name="throwIfNonFinite"/> it throws instead, naming the first parameter whose gradient is not finite.
    /// </remarks>
    /// <exception cref="ArithmeticException">The norm is not finite and <paramref name="throwIfNonFinite"/> is set.</exception>
    public static double ClipByGlobalNorm(IEnumerable<Tensor> parameters, double maxNorm, bool throwIfNonFinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0) || double.IsInfinity(maxNorm))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "max norm must be finite and > 0");
        var list = parameters as IReadOnlyList<Tensor> ?? parameters.ToArray();
        double norm = GlobalNorm(list);
        if (!double.IsFinite(norm))
        {
            if (throwIfNonFinite)
            {
                var culprit = list.FirstOrDefault(p => p.Grad is not null && !double.IsFinite(OptimizerKernels.SumOfSquares(p.Grad.AsSpan())));
                throw new ArithmeticException($"gradient norm is {norm}: the gradient of parameter \"{culprit?.Name}\" has non-finite values");
            }
            return norm;
        }
        double coefficient = maxNorm / (norm + 1e-6);                       // c = maxNorm / (‖g‖ + 1e-6)
        if (coefficient < 1)
        {
            var grads = Gradients(list);
            var plan = new ChunkPlan(grads.Select(g => g.Size).ToArray());
            float c = (float)coefficient;
            plan.Run(k =>
            {
                var (i, start, length) = plan[k];
                OptimizerKernels.Scale(grads[i].Data.AsSpan(grads[i].Offset + start, length), c);
            });
        }
        return norm;
    }
}
