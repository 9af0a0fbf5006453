using Rebel.Tensors;
using Rebel.Tensors.IO;

namespace Rebel.SelfPlay.Training;

/// <summary>
/// The extrapolation of optimistic REBEL (<see cref="RebelOptions.Optimistic"/>) over a policy's parameters θ:
/// <see cref="Begin"/> records θ_t before the regression, <see cref="Extrapolate"/> turns the fitted θ_fit into
/// θ_{t+1} = θ_fit + (v_t − v_{t−1}) with v_t = θ_fit − θ_t, and keeps v_t for the next iteration. v_{t−1} is part of
/// a checkpoint, so a resumed run extrapolates exactly as an uninterrupted one.
/// </summary>
/// <remarks>Shapes: one float array per parameter, as long as the parameter (θ_t, v_{t−1}).</remarks>
internal sealed class OptimisticStep(IReadOnlyList<Tensor> parameters)
{
    /// <summary>The file in a checkpoint folder that holds v_{t−1}.</summary>
    public const string FileName = "optimistic_step.safetensors";

    private float[][]? _start;     // θ_t
    private float[][]? _previous;  // v_{t−1}; null before the first iteration

    /// <summary>Records θ_t, the parameters before this iteration's regression.</summary>
    public void Begin() => _start = parameters.Select(p => p.ToArray()).ToArray();

    /// <summary>θ ← θ_fit + (v_t − v_{t−1}), v_t = θ_fit − θ_t (in place); v_t is kept for the next iteration.</summary>
    public void Extrapolate()
    {
        var start = _start ?? throw new InvalidOperationException("Extrapolate needs Begin first.");
        var step = new float[parameters.Count][];
        for (int i = 0; i < parameters.Count; i++)
        {
            var theta = parameters[i].AsSpan();
            var v = step[i] = new float[theta.Length];
            var previous = _previous?[i];
            for (int k = 0; k < theta.Length; k++)
            {
                v[k] = theta[k] - start[i][k];                                  // v_t = θ_fit − θ_t
                if (previous is not null) theta[k] += v[k] - previous[k];       // θ_{t+1} = θ_fit + v_t − v_{t−1}
            }
        }
        _previous = step;
        _start = null;
    }

    /// <summary>Writes v_{t−1} into <paramref name="path"/> (one tensor per parameter, by position); nothing before the first iteration.</summary>
    public void Save(string path)
    {
        if (_previous is null) return;
        SafeTensorsWriter.Write(path, parameters.Select((p, i) => (Name(i), p.ShapeArray, (ReadOnlyMemory<float>)_previous[i])));
    }

    /// <summary>Reads v_{t−1} back from <paramref name="path"/>, the file a checkpoint after iteration t − 1 ≥ 1 holds.</summary>
    /// <exception cref="InvalidDataException">The file is missing (a checkpoint of a run that was not optimistic), or a
    /// parameter is missing from it or has another size.</exception>
    public void Load(string path)
    {
        if (!File.Exists(path))
            throw new InvalidDataException($"{path}: missing; an optimistic run resumes only from a checkpoint of an optimistic run.");
        using var file = SafeTensorsFile.Open(path);
        var previous = new float[parameters.Count][];
        for (int i = 0; i < parameters.Count; i++)
        {
            var name = Name(i);
            if (!file.Contains(name)) throw new InvalidDataException($"{path}: no step for parameter \"{name}\".");
            previous[i] = file.ReadFloat32(name);
            if (previous[i].Length != parameters[i].Size)
                throw new InvalidDataException($"{path}: the step of \"{name}\" has {previous[i].Length} values, the parameter {parameters[i].Size}.");
        }
        _previous = previous;
    }

    /// <summary>Parameters are stored by position (names need not be unique).</summary>
    private static string Name(int index) => $"parameter_{index}";
}
