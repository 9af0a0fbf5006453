using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Rebel.Judges.Onnx;

/// <summary>
/// One ONNX Runtime session, reused for every batch: id rows in, one float per row out. Rows are grouped by length
/// (so padding is short), padded on the right, and the batches run on <see cref="OnnxJudgeOptions.Threads"/> threads at
/// once, each inference single-threaded.
/// </summary>
internal sealed partial class OnnxRowScorer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OnnxJudgeOptions _options;
    private readonly string _modelPath;

    /// <summary>Opens <paramref name="modelPath"/> and checks its inputs and output against <paramref name="options"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a model ONNX Runtime can load, or its inputs/outputs do not match.</exception>
    /// <exception cref="PlatformNotSupportedException">The CUDA provider was asked for and cannot load; the message names the missing library.</exception>
    public OnnxRowScorer(string modelPath, OnnxJudgeOptions options)
    {
        _modelPath = modelPath;
        _options = options;
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        if (options.Provider == OnnxExecutionProvider.Cuda)
        {
            // ONNX Runtime would also print its own multi-line log of a failed provider load; the error below says it once.
            OrtEnv.Instance().EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
            try
            {
                sessionOptions.AppendExecutionProvider_CUDA(0);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                throw new PlatformNotSupportedException(CudaFailure(e.Message), e);
            }
        }
        try
        {
            _session = new InferenceSession(modelPath, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            if (options.Provider == OnnxExecutionProvider.Cuda) throw new PlatformNotSupportedException(CudaFailure(e.Message), e);
            throw new InvalidDataException($"{modelPath}: ONNX Runtime cannot load it: {FirstLine(e.Message)}", e);
        }
        try
        {
            CheckSignature();
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>One float per row, in order.</summary>
    /// <exception cref="OnnxRuntimeException">Inference failed.</exception>
    /// <exception cref="InvalidDataException">The output does not have one value per row.</exception>
    public double[] Score(IReadOnlyList<int[]> rows, CancellationToken cancellationToken)
    {
        var scores = new double[rows.Count];
        if (rows.Count == 0) return scores;
        // Length buckets: sort by length, cut into batches, pad each batch to its own longest row.
        var order = Enumerable.Range(0, rows.Count).OrderBy(i => rows[i].Length).ThenBy(i => i).ToArray();
        var batches = order.Chunk(_options.BatchSize).ToArray();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.Threads, CancellationToken = cancellationToken };
        Parallel.ForEach(batches, parallel, batch => RunBatch(rows, batch, scores));
        return scores;
    }

    private void RunBatch(IReadOnlyList<int[]> rows, int[] batch, double[] scores)
    {
        int b = batch.Length, t = batch.Max(i => rows[i].Length);
        var ids = new long[b * t];                                          // (B, T), right-padded
        var mask = new long[b * t];                                         // (B, T), 1 on real tokens
        Array.Fill(ids, _options.PadId);
        for (int r = 0; r < b; r++)
        {
            var row = rows[batch[r]];
            for (int j = 0; j < row.Length; j++)
            {
                ids[r * t + j] = row[j];
                mask[r * t + j] = 1;
            }
        }
        long[] shape = [b, t];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        var names = new List<string> { _options.InputIds };
        var values = new List<OrtValue> { idsValue };
        if (_options.AttentionMask is { } maskName)
        {
            names.Add(maskName);
            values.Add(maskValue);
        }
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, names, values, [_options.Output]);
        var output = outputs[0];
        var info = output.GetTensorTypeAndShape();
        if (info.ElementCount != b)
            throw new InvalidDataException(
                $"{_modelPath}: output \"{_options.Output}\" has shape [{string.Join(", ", info.Shape)}] for {b} rows; expected [{b}] or [{b}, 1]");
        switch (info.ElementDataType)
        {
            case TensorElementType.Float:
                var floats = output.GetTensorDataAsSpan<float>();
                for (int r = 0; r < b; r++) scores[batch[r]] = floats[r];
                break;
            case TensorElementType.Double:
                var doubles = output.GetTensorDataAsSpan<double>();
                for (int r = 0; r < b; r++) scores[batch[r]] = doubles[r];
                break;
            default:
                throw new InvalidDataException($"{_modelPath}: output \"{_options.Output}\" holds {info.ElementDataType}; expected float or double");
        }
    }

    private void CheckSignature()
    {
        var inputs = _session.InputMetadata;
        var wanted = new List<string> { _options.InputIds };
        if (_options.AttentionMask is { } mask) wanted.Add(mask);
        string real = string.Join(", ", inputs.Select(i => $"{i.Key} ({Describe(i.Value)})"));
        foreach (var name in wanted)
        {
            if (!inputs.TryGetValue(name, out var meta))
                throw new InvalidDataException($"{_modelPath}: the model has no input \"{name}\" that {OnnxJudgeOptions.FileName} names; its inputs are {real}");
            if (meta.ElementDataType != TensorElementType.Int64 || meta.Dimensions.Length != 2)
                throw new InvalidDataException($"{_modelPath}: input \"{name}\" is {Describe(meta)}; an onnx: judge feeds int64 [batch, seq]");
        }
        var unfed = inputs.Keys.Where(k => !wanted.Contains(k)).ToList();
        if (unfed.Count > 0)
            throw new InvalidDataException(
                $"{_modelPath}: the model also needs input(s) {string.Join(", ", unfed)} that {OnnxJudgeOptions.FileName} does not feed; its inputs are {real}");
        if (!_session.OutputMetadata.ContainsKey(_options.Output))
            throw new InvalidDataException(
                $"{_modelPath}: the model has no output \"{_options.Output}\"; its outputs are {string.Join(", ", _session.OutputMetadata.Select(o => $"{o.Key} ({Describe(o.Value)})"))}");
    }

    private static string Describe(NodeMetadata meta) =>
        $"{meta.ElementDataType.ToString().ToLowerInvariant()} [{string.Join(", ", meta.Dimensions.Select((d, i) => d >= 0 ? d.ToString() : meta.SymbolicDimensions[i] is { Length: > 0 } s ? s : "?"))}]";

    private static string CudaFailure(string message)
    {
        var library = MissingLibrary().Match(message);
        string what = library.Success ? $"the library {library.Value} is missing" : CudaProviderLoadError() ?? FirstLine(message);
        return $"the cuda execution provider is not available: {what}. It needs the CUDA 13 runtime and cuDNN 9 on the library path; use \"provider\": \"cpu\" in {OnnxJudgeOptions.FileName} to run on the CPU";
    }

    /// <summary>
    /// ONNX Runtime only says it "failed to load shared library"; loading its CUDA provider ourselves gets the dynamic
    /// loader's own reason, which names the dependency that is missing (e.g. libcublasLt.so.13).
    /// </summary>
    private static string? CudaProviderLoadError()
    {
        const string provider = "libonnxruntime_providers_cuda.so";
        var path = new[] { AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native") }
            .Select(d => Path.Combine(d, provider)).FirstOrDefault(File.Exists);
        if (path is null) return $"the library {provider} is missing (the Microsoft.ML.OnnxRuntime.Gpu.Linux package provides it)";
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(path));
            return null;
        }
        catch (DllNotFoundException e)
        {
            var missing = MissingLibrary().Matches(e.Message).Select(m => m.Value).FirstOrDefault(name => !name.StartsWith(provider, StringComparison.Ordinal));
            return missing is null ? null : $"the library {missing} is missing";
        }
    }

    private static string FirstLine(string message)
    {
        int end = message.IndexOf('\n');
        return (end < 0 ? message : message[..end]).Trim();
    }

    [GeneratedRegex(@"lib[A-Za-z0-9_+\-]+\.so(\.[0-9]+)*")]
    private static partial Regex MissingLibrary();

    public void Dispose() => _session.Dispose();
}
