namespace Rebel.Tensors.Optim;

/// <summary>Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, as torch.optim.SGD.</summary>
/// <remarks>
/// For each parameter θ with gradient g:
/// <code>
/// d ← g + λ·θ                                  weight decay (λ = 0: d = g)
/// b ← d (first update) or μ·b + (1 − τ)·d      momentum buffer (μ = 0: no buffer)
/// d ← d + μ·b (Nesterov) or d ← b
/// θ ← θ − η·d
/// </code>
/// Parameters without a gradient are skipped. Scalars are rounded to float32 and the pass is vectorized.
/// </remarks>
public sealed class Sgd : IOptimizer
{
    internal const string Kind = "sgd";
    private const string BufferSlot = "momentum_buffer";
    private static readonly string[] SlotNames = [BufferSlot];

    private readonly Tensor[] _parameters;
    private readonly long[] _steps;
    private readonly float[]?[] _buffers;
    private readonly ChunkPlan _plan;
    private readonly Action<int> _updateChunk;
    private readonly bool[] _active;   // has a gradient in the current step
    private readonly bool[] _first;    // its momentum buffer is initialized by the current step
    private double _learningRate;

    /// <summary>An optimizer over <paramref name="parameters"/> (contiguous, uniquely named tensors).</summary>
    public Sgd(IEnumerable<Tensor> parameters, SgdOptions? options = null)
    {
        Options = (options ?? new SgdOptions()).Validate();
        _parameters = ParameterList.Validate(parameters);
        _steps = new long[_parameters.Length];
        _buffers = new float[]?[_parameters.Length];
        _active = new bool[_parameters.Length];
        _first = new bool[_parameters.Length];
        _plan = new ChunkPlan(_parameters.Select(p => p.Size).ToArray());
        _updateChunk = UpdateChunk;
        _learningRate = Options.LearningRate;
    }

    /// <summary>The validated hyper-parameters (the learning rate here is the initial one).</summary>
    public SgdOptions Options { get; }

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

    /// <inheritdoc/>
    /// <remarks>Large parameter sets are updated in fixed chunks on several cores; the result does not depend on it.</remarks>
    public void Step()
    {
        bool useMomentum = Options.Momentum != 0;
        for (int i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            _active[i] = ParameterList.TryGetGradient(p, out _);
            if (!_active[i]) continue;
            _first[i] = _buffers[i] is null;
            if (useMomentum) _buffers[i] ??= new float[p.Size];
            _steps[i]++;
        }
        _plan.Run(_updateChunk);
        StepCount++;
    }

    private void UpdateChunk(int chunk)
    {
        var (i, start, length) = _plan[chunk];
        if (!_active[i]) return;
        var o = Options;
        var p = _parameters[i];
        var g = p.Grad!;
        var buffer = _buffers[i] is { } b ? b.AsSpan(start, length) : Span<float>.Empty;
        OptimizerKernels.Sgd(p.Data.AsSpan(p.Offset + start, length), g.Data.AsSpan(g.Offset + start, length), buffer, _first[i],
            lr: (float)_learningRate, momentum: (float)o.Momentum, oneMinusDampening: (float)(1 - o.Dampening),
            weightDecay: (float)o.WeightDecay, nesterov: o.Nesterov);
    }

    /// <inheritdoc/>
    public void ZeroGrad() => ParameterList.ZeroGrad(_parameters);

    /// <inheritdoc/>
    /// <remarks>Tensors <c>sgd.momentum_buffer.&lt;name&gt;</c> for every parameter with a momentum buffer.</remarks>
    public void SaveState(string path) =>
        OptimizerStateFile.Save(path, Kind, StepCount, _learningRate, _parameters,
            i => new OptimizerStateFile.Slots(_steps[i], new() { [BufferSlot] = _buffers[i] }));

    /// <inheritdoc/>
    /// <remarks>Hyper-parameters other than the learning rate come from this instance's <see cref="Options"/>.</remarks>
    public void LoadState(string path)
    {
        var (stepCount, learningRate, state) = OptimizerStateFile.Load(path, Kind, _parameters, SlotNames);
        bool useMomentum = Options.Momentum != 0;
        for (int i = 0; i < state.Length; i++)
        {
            bool hasBuffer = state[i].Buffers[BufferSlot] is not null;
            if (hasBuffer != (useMomentum && state[i].Step > 0))
                throw OptimizerStateFile.Invalid(path,
                    $"parameter \"{_parameters[i].Name}\" has step {state[i].Step} and {(hasBuffer ? "a" : "no")} momentum buffer, inconsistent with momentum {Options.Momentum}");
        }
        ParameterList.CheckLearningRate(learningRate);
        for (int i = 0; i < state.Length; i++)
        {
            _steps[i] = state[i].Step;
            _buffers[i] = state[i].Buffers[BufferSlot];
        }
        StepCount = stepCount;
        _learningRate = learningRate;
    }
}
