using Rebel.Preference.Data;
using Rebel.Preference.Models;
using Rebel.Tensors;
using Rebel.Tensors.Memory;
using Rebel.Tensors.Optim;

namespace Rebel.Preference.Training;

/// <summary>
/// Fits a <see cref="NeuralPreferenceModel"/> to preference records by minibatch AdamW on the soft-label
/// cross-entropy L = −mean[p ln σ(z) + (1 − p) ln σ(−z)], z = z(a, b) the model's pair logit.
/// </summary>
/// <remarks>Deterministic given the model's initial weights and <see cref="PreferenceTrainingOptions.Seed"/>.</remarks>
public static class PreferenceTrainer
{
    /// <summary>Trains <paramref name="model"/> in place; returns the mean training loss of each epoch.</summary>
    /// <param name="model">The model to train.</param>
    /// <param name="train">Training records (at least one).</param>
    /// <param name="options">Epochs, batch size, η, λ, clip, seed.</param>
    /// <param name="log">Receives one line per epoch (<c>epoch N loss/train X</c>), or null.</param>
    public static double[] Fit(NeuralPreferenceModel model, IReadOnlyList<PreferenceRecord> train, PreferenceTrainingOptions options,
        Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (train.Count == 0) throw new ArgumentException("there are no training records", nameof(train));

        var parameters = model.Parameters;
        var optimizer = new AdamW(parameters, new AdamWOptions { LearningRate = options.LearningRate, WeightDecay = options.WeightDecay });
        var rng = new Rng(options.Seed);
        var order = Enumerable.Range(0, train.Count).ToArray();
        var epochLoss = new double[options.Epochs];
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            rng.Shuffle(order.AsSpan());
            double sum = 0;
            for (int start = 0; start < order.Length; start += options.BatchSize)
            {
                int count = Math.Min(options.BatchSize, order.Length - start);
                using var scope = new TensorScope();
                // forward: logits of the minibatch, soft-label cross-entropy
                var comparisons = new Comparison[count];
                var p = new float[count];
                var q = new float[count];
                for (int i = 0; i < count; i++)
                {
                    var r = train[order[start + i]];
                    comparisons[i] = r.ToComparison();
                    p[i] = (float)r.P;
                    q[i] = (float)(1 - r.P);
                }
                var z = model.Logits(comparisons);                                                   // (B)
                var loss = -(z.LogSigmoid() * Tensor.FromArray(p, count) + (-z).LogSigmoid() * Tensor.FromArray(q, count)).Mean();
                // backward, clip, step
                loss.Backward();
                if (options.MaxGradNorm > 0) GradientClipping.ClipByGlobalNorm(parameters, options.MaxGradNorm);
                optimizer.Step();
                optimizer.ZeroGrad();
                sum += loss.Item() * count;
            }
            epochLoss[epoch] = sum / train.Count;
            log?.Invoke($"epoch {epoch + 1} loss/train {epochLoss[epoch]:F4}");
        }
        return epochLoss;
    }
}
