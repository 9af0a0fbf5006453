using Rebel.Preference.Data;
using Rebel.Preference.Evaluation;
using Rebel.Preference.Models;
using Rebel.Tensors;

namespace Rebel.Preference.Training;

/// <summary>
/// The one way Rebel fits a fresh preference model to a dataset (<c>rebel preference train</c>, and the reward model of
/// <c>rebel train</c>'s baseline): build it from its options with a generator of its own stream of the seed
/// (<see cref="PreferenceTrainingOptions.InitializationSeed"/>), split the records by prompt (<see cref="PreferenceSplit"/>,
/// a hash salted with the seed), fit on the training side (<see cref="PreferenceTrainer"/>, its minibatch order drawn from
/// the seed itself) and measure on the held-out side (<see cref="PreferenceEvaluator"/>). <see cref="Prepare"/> builds
/// and splits, so a caller can report the sizes before the fit; <see cref="Run"/> fits.
/// </summary>
/// <remarks>Deterministic given <see cref="PreferenceTrainingOptions.Seed"/>: it decides the initialization (through its
/// own stream), the split and the batch order.</remarks>
public sealed class PreferenceFit
{
    private readonly PreferenceTrainingOptions _training;

    private PreferenceFit(NeuralPreferenceModel model, PreferenceTrainingOptions training, List<PreferenceRecord> train, List<PreferenceRecord> validation)
    {
        Model = model;
        _training = training;
        Train = train;
        Validation = validation;
    }

    /// <summary>The model, initialised; trained in place by <see cref="Run"/>.</summary>
    public NeuralPreferenceModel Model { get; }

    /// <summary>The records it is fitted to (input order kept).</summary>
    public IReadOnlyList<PreferenceRecord> Train { get; }

    /// <summary>The held-out records (every record of a held-out prompt; input order kept).</summary>
    public IReadOnlyList<PreferenceRecord> Validation { get; }

    /// <summary>Builds the model and splits <paramref name="records"/>, holding out a <paramref name="validationFraction"/> of the prompts.</summary>
    /// <exception cref="ArgumentException">Invalid options (see <see cref="PreferenceModels.Create"/>), or a fraction outside [0, 1].</exception>
    public static PreferenceFit Prepare(PreferenceModelOptions model, PreferenceTrainingOptions training, double validationFraction,
        IEnumerable<PreferenceRecord> records)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(records);
        training.Validate();
        var built = PreferenceModels.Create(model, new Rng(training.InitializationSeed()));
        var (train, validation) = new PreferenceSplit(validationFraction, training.Seed).Apply(records);
        return new PreferenceFit(built, training, train, validation);
    }

    /// <summary>Fits <see cref="Model"/> on <see cref="Train"/>; returns its metrics on <see cref="Validation"/>, or null when nothing is held out.</summary>
    /// <param name="log">Receives one line per epoch (<c>epoch N loss/train X</c>), or null.</param>
    /// <exception cref="ArgumentException">No training records.</exception>
    public PreferenceMetrics? Run(Action<string>? log = null)
    {
        PreferenceTrainer.Fit(Model, Train, _training, log);
        return Validation.Count > 0 ? PreferenceEvaluator.Evaluate(Model, Validation) : null;
    }
}
