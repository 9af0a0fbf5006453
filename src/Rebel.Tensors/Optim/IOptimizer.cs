namespace Rebel.Tensors.Optim;

/// <summary>
/// Updates a fixed list of named parameters from their accumulated gradients (<see cref="Tensor.Grad"/>).
/// </summary>
/// <remarks>
/// A training step reads: <c>ZeroGrad → forward → Backward → clip → LearningRate = schedule(t) → Step</c>.
/// Parameters whose gradient is null are skipped by <see cref="Step"/> (their state does not advance), as in PyTorch.
/// </remarks>
public interface IOptimizer
{
    /// <summary>The parameters, in the order given at construction. Each has a unique <see cref="Tensor.Name"/>.</summary>
    IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The learning rate η used by the next <see cref="Step"/>; a schedule sets it before each step.</summary>
    double LearningRate { get; set; }

    /// <summary>Number of <see cref="Step"/> calls so far (restored by <see cref="LoadState"/>).</summary>
    long StepCount { get; }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    void Step();

    /// <summary>Clears every parameter's gradient (sets it to null).</summary>
    void ZeroGrad();

    /// <summary>Writes the optimizer state (moments, step counts, learning rate) to a safetensors file, atomically.</summary>
    void SaveState(string path);

    /// <summary>Restores state written by <see cref="SaveState"/> for the same parameter names and shapes, exactly.</summary>
    /// <exception cref="InvalidDataException">The file is for another optimizer kind or other parameters.</exception>
    void LoadState(string path);
}
