namespace Rebel.Tensors.Optim;

/// <summary>Validated parameter list shared by the optimizers: contiguous tensors with unique, non-empty names.</summary>
internal static class ParameterList
{
    internal static Tensor[] Validate(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = parameters.ToArray();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < list.Length; i++)
        {
            var p = list[i] ?? throw new ArgumentException($"parameter {i} is null", nameof(parameters));
            if (string.IsNullOrEmpty(p.Name))
                throw new ArgumentException($"parameter {i} (shape [{string.Join(", ", p.ShapeArray)}]) has no Name; optimizer state is saved by name", nameof(parameters));
            if (!names.Add(p.Name)) throw new ArgumentException($"parameter name \"{p.Name}\" appears more than once", nameof(parameters));
            if (!p.IsContiguous) throw new ArgumentException($"parameter \"{p.Name}\" is a strided view; optimizers update contiguous tensors", nameof(parameters));
        }
        return list;
    }

    /// <summary>The gradient of <paramref name="p"/> as a span, or false when it has none.</summary>
    internal static bool TryGetGradient(Tensor p, out ReadOnlySpan<float> grad)
    {
        if (p.Grad is null) { grad = default; return false; }
        if (p.Grad.Size != p.Size)
            throw new InvalidOperationException(
                $"parameter \"{p.Name}\" of shape [{string.Join(", ", p.ShapeArray)}] has a gradient of shape [{string.Join(", ", p.Grad.ShapeArray)}]");
        grad = p.Grad.AsSpan();
        return true;
    }

    internal static void ZeroGrad(Tensor[] parameters)
    {
        foreach (var p in parameters) p.ZeroGrad();
    }

    internal static double CheckLearningRate(double value) =>
        value >= 0 && !double.IsInfinity(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(IOptimizer.LearningRate), value, "learning rate must be finite and ≥ 0");
}
