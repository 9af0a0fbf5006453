namespace Rebel.Tensors.Optim;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov &amp; Hutter, 2019), computed as torch.optim.AdamW does.
/// </summary>
/// <remarks>
/// For each parameter θ with gradient g, at its t-th update (t counts that parameter's own updates):
/// <code>
/// θ ← θ · (1 − η·λ)                         decoupled weight decay
/// m ← β₁·m + (1 − β₁)·g                     first moment
/// v ← β₂·v + (1 − β₂)·g²                    second moment
/// θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)   bias-corrected step
/// </code>
/// Bias corrections are computed in double, then the element-wise pass runs in float32 (vectorized).
/// m and v start at zero on a parameter's first update. Parameters without a gradient are skipped entirely
/// (no decay, no moment update, t does not advance). NaN or infinite gradients propagate into θ, m and v;
/// clip with <see cref="GradientClipping"/> and skip the step when its norm is not finite.
/// </remarks>
public sealed class AdamW : IOptimizer
{
    internal const string Kind = "adamw";
    private static readonly string[] SlotNames = ["m", "v"];

    private readonly Tensor[] _parameters;
    private readonly long[] _steps;
    private readonly float[]?[] _m;
    private readonly float[]?[] _v;
    private double _learningRate;

    /// <summary>An optimizer over <paramref name="parameters"/> (contiguous, uniquely named tensors).</summary>
    public AdamW(IEnumerable<Tensor> parameters, AdamWOptions? options = null)
    {
        Options = (options ?? new AdamWOptions()).Validate();
        _parameters = ParameterList.Validate(parameters);
        _steps = new long[_parameters.Length];
        _m = new float[]?[_parameters.Length];
        _v = new float[]?[_parameters.Length];
        _learningRate = Options.LearningRate;
    }

    /// <summary>The validated hyper-parameters (the learning rate here is the initial one).</summary>
    public AdamWOptions Options { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Tensor> Parameters => _parameters;

    /// <inheritdoc/>
    public double LearningRate
    {
        get => _learningRate;
        set => _learningRate = ParameterList.CheckLearningRate(value);
    }

    /// <inheritdoc/>
    public long StepCount { get; private set; }

    /// <summary>Number of updates parameter <paramref name="index"/> has received (its t).</summary>
    public long ParameterStep(int index) => _steps[index];

    /// <inheritdoc/>
    public void Step()
    {
        var o = Options;
        for (int i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            if (!ParameterList.TryGetGradient(p, out var grad)) continue;
            var m = _m[i] ??= new float[p.Size];
            var v = _v[i] ??= new float[p.Size];
            long t = ++_steps[i];
            double biasCorrection1 = 1 - Math.Pow(o.Beta1, t);               // 1 − β₁ᵗ
            double biasCorrection2 = 1 - Math.Pow(o.Beta2, t);               // 1 − β₂ᵗ
            OptimizerKernels.AdamW(p.AsSpan(), grad, m, v,
                decay: (float)(1 - _learningRate * o.WeightDecay),           // 1 − η·λ
                beta1: (float)o.Beta1, oneMinusBeta1: (float)(1 - o.Beta1),
                beta2: (float)o.Beta2, oneMinusBeta2: (float)(1 - o.Beta2),
                stepSize: (float)(_learningRate / biasCorrection1),          // η / (1 − β₁ᵗ)
                bc2Sqrt: (float)Math.Sqrt(biasCorrection2),                  // √(1 − β₂ᵗ)
                eps: (float)o.Epsilon);
        }
        StepCount++;
    }

    /// <inheritdoc/>
    public void ZeroGrad() => ParameterList.ZeroGrad(_parameters);

    /// <inheritdoc/>
    /// <remarks>Tensors <c>adamw.m.&lt;name&gt;</c> and <c>adamw.v.&lt;name&gt;</c> for every parameter updated at least once.</remarks>
    public void SaveState(string path) =>
        OptimizerStateFile.Save(path, Kind, StepCount, _learningRate, _parameters,
            i => new OptimizerStateFile.Slots(_steps[i], new() { ["m"] = _m[i], ["v"] = _v[i] }));

    /// <inheritdoc/>
    /// <remarks>Hyper-parameters other than the learning rate come from this instance's <see cref="Options"/>.</remarks>
    public void LoadState(string path)
    {
        var (stepCount, learningRate, state) = OptimizerStateFile.Load(path, Kind, _parameters, SlotNames);
        for (int i = 0; i < state.Length; i++)
        {
            bool hasMoments = state[i].Buffers["m"] is not null && state[i].Buffers["v"] is not null;
            if (hasMoments != state[i].Step > 0)
                throw OptimizerStateFile.Invalid(path, $"parameter \"{_parameters[i].Name}\" has step {state[i].Step} but {(hasMoments ? "has" : "lacks")} moments m and v");
        }
        ParameterList.CheckLearningRate(learningRate);
        for (int i = 0; i < state.Length; i++)
        {
            _steps[i] = state[i].Step;
            _m[i] = state[i].Buffers["m"];
            _v[i] = state[i].Buffers["v"];
        }
        StepCount = stepCount;
        _learningRate = learningRate;
    }
}
