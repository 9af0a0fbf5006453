using Rebel.Models.Scoring;
using Rebel.Models.Tokenization;

namespace Rebel.Models.Training;

public sealed partial class SftTrainer
{
    /// <summary>Name of the per-step metrics file <see cref="TrainTo"/> writes.</summary>
    public const string MetricsFile = "metrics.jsonl";

    /// <summary>
    /// Runs <see cref="Train"/> and writes <paramref name="directory"/>, the one SFT output layout: <c>metrics.jsonl</c>
    /// (one line per step: <c>step</c>, <c>loss/train</c>, <c>loss/eval</c>, <c>optim/lr</c>, <c>optim/grad_norm</c>,
    /// <c>time/step_s</c>; flushed as it goes), <c>checkpoints/step-N/</c> every <see cref="SftOptions.CheckpointEvery"/>
    /// steps (model, tokenizer and <c>optimizer.safetensors</c>, each written atomically), and finally the model with its
    /// tokenizer in Hugging Face layout.
    /// </summary>
    /// <param name="directory">The output folder (created when missing).</param>
    /// <param name="examples">Tokenized prompt/completion pairs.</param>
    /// <param name="tokenizer">The model's tokenizer, saved beside it.</param>
    /// <param name="log">Receives each step's metrics (progress display), or null.</param>
    /// <param name="cancellationToken">Checked before each step; what is written stays (checkpoints and metrics so far).</param>
    /// <returns>The metrics of every step.</returns>
    /// <exception cref="ArgumentException">As <see cref="Train"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IReadOnlyList<SftMetrics> TrainTo(string directory, IReadOnlyList<PromptCompletion> examples, ITokenizer tokenizer,
        Action<SftMetrics>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(tokenizer);
        Directory.CreateDirectory(directory);
        IReadOnlyList<SftMetrics> history;
        using (var metrics = new StreamWriter(Path.Combine(directory, MetricsFile), append: false))
        {
            history = Train(examples,
                log: m =>
                {
                    var line = SftMetricsLine.Of(m);
                    line["optim/grad_norm"] = m.GradNorm;
                    line["time/step_s"] = m.Seconds;
                    metrics.WriteLine(line.ToJsonString());
                    metrics.Flush();
                    log?.Invoke(m);
                },
                checkpoint: step => ModelFolder.Save(Path.Combine(directory, "checkpoints", $"step-{step}"), _model, tokenizer,
                    d => _optimizer.SaveState(Path.Combine(d, "optimizer.safetensors"))),
                cancellationToken);
        }
        _model.WriteFiles(directory, tokenizer);
        return history;
    }
}
