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
    private readonly ChunkPlan _plan;
    private readonly Action<int> _updateChunk;
    private readonly bool[] _active;          // has a gradient in the current step
    private readonly Scalars[] _scalars;      // per-parameter step constants of the current step
    private double _learningRate;

    /// <summary>The float32 constants of one parameter's update, computed in double from η, λ, β and its t.</summary>
    private readonly record struct Scalars(float Decay, float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2,
        float StepSize, float Bc2Sqrt, float Eps);

    /// <summary>An optimizer over <paramref name="parameters"/> (contiguous, uniquely named tensors).</summary>
    public AdamW(IEnumerable<Tensor> parameters, AdamWOptions? options = null)
    {
        Options = (options ?? new AdamWOptions()).Validate();
        _parameters = ParameterList.Validate(parameters);
        _steps = new long[_parameters.Length];
        _m = new float[]?[_parameters.Length];
        _v = new float[]?[_parameters.Length];
        _active = new bool[_parameters.Length];
        _scalars = new Scalars[_parameters.Length];
        _plan = new ChunkPlan(_parameters.Select(p => p.Size).ToArray());
        _updateChunk = UpdateChunk;
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
    /// <remarks>Large parameter sets are updated in fixed chunks on several cores; the result does not depend on it.</remarks>
    public void Step()
    {
        var o = Options;
        for (int i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            _active[i] = ParameterList.TryGetGradient(p, out _);
            if (!_active[i]) continue;
            _m[i] ??= new float[p.Size];
            _v[i] ??= new float[p.Size];
            long t = ++_steps[i];
            double biasCorrection1 = 1 - Math.Pow(o.Beta1, t);               // 1 − β₁ᵗ
            double biasCorrection2 = 1 - Math.Pow(o.Beta2, t);               // 1 − β₂ᵗ
            _scalars[i] = new Scalars(
                Decay: (float)(1 - _learningRate * o.WeightDecay),           // 1 − η·λ
                Beta1: (float)o.Beta1, OneMinusBeta1: (float)(1 - o.Beta1),
                Beta2: (float)o.Beta2, OneMinusBeta2: (float)(1 - o.Beta2),
                StepSize: (float)(_learningRate / biasCorrection1),          // η / (1 − β₁ᵗ)
                Bc2Sqrt: (float)Math.Sqrt(biasCorrection2),                  // √(1 − β₂ᵗ)
                Eps: (float)o.Epsilon);
        }
        _plan.Run(_updateChunk);
        StepCount++;
    }

    private void UpdateChunk(int chunk)
    {
        var (i, start, length) = _plan[chunk];
        if (!_active[i]) return;
        var p = _parameters[i];
        var g = p.Grad!;
        var s = _scalars[i];
        OptimizerKernels.AdamW(p.Data.AsSpan(p.Offset + start, length), g.Data.AsSpan(g.Offset + start, length),
            _m[i].AsSpan(start, length), _v[i].AsSpan(start, length),
            s.Decay, s.Beta1, s.OneMinusBeta1, s.Beta2, s.OneMinusBeta2, s.StepSize, s.Bc2Sqrt, s.Eps);
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
