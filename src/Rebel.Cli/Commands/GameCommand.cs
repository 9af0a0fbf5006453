using System.CommandLine;
using System.Globalization;
using Rebel.Models.Data;
using Rebel.Preference;
using Rebel.SelfPlay.Games;
using Rebel.SelfPlay.Games.Algorithms;

namespace Rebel.Cli.Commands;

/// <summary>
/// <c>rebel game --game FILE.json|NAME --algorithm NAME --iterations N [--samples S] [--seed S] --output OUT.json</c>:
/// self-play on a preference game. OUT.json has <c>policy</c>, <c>average_policy</c>, <c>exploitability</c> and
/// <c>history</c>, plus the minimax winner for comparison. Knob overrides: --eta, --beta, --magnet-interval,
/// --magnet-mixing, --epochs, --lr; <c>--reference uniform|random:SEED|P1,P2,…</c> sets π_ref
/// (nash-md, ipo); <c>--plot FILE.svg</c> also draws the history; <c>--run-dir DIR</c> keeps sampled mode's trainer run.
/// </summary>
internal static class GameCommand
{
    public static Command Create()
    {
        var game = new Option<string>("--game") { Description = $"A game file (JSON) or a built-in: {string.Join(", ", BuiltinGames.Names)}.", Required = true };
        var algorithm = new Option<string>("--algorithm") { Description = $"One of: {string.Join(", ", GameAlgorithms.Names)} (online-ipo: old name of ipo).", Required = true };
        var iterations = new Option<int>("--iterations") { Description = "Number of updates T.", DefaultValueFactory = _ => 1000 };
        var samples = new Option<int?>("--samples") { Description = "Sampled mode: S pairs per iteration (default: exact mode)." };
        var seed = new Option<int>("--seed") { Description = "Seed of π_0 and of the samples.", DefaultValueFactory = _ => 0 };
        var output = new Option<FileInfo>("--output") { Description = "Where to write the result JSON.", Required = true };
        var eta = new Option<double?>("--eta") { Description = "Override η (step size)." };
        var beta = new Option<double?>("--beta") { Description = "Override β (prox/magnet or reference strength)." };
        var magnet = new Option<int?>("--magnet-interval") { Description = "Override M (magnet reset interval; 0 = never)." };
        var mixing = new Option<double?>("--magnet-mixing") { Description = "Override ε (uniform, or π_ref in sampled mode, mixed into each magnet reset)." };
        var epochs = new Option<int?>("--epochs") { Description = "Sampled mode: override G (the trainer's AdamW steps per iteration)." };
        var learningRate = new Option<double?>("--lr") { Description = "Sampled mode: override the trainer's AdamW learning rate." };
        var runDir = new Option<DirectoryInfo?>("--run-dir") { Description = "Sampled mode: keep the trainer's run (metrics.jsonl, final checkpoint) in this new folder." };
        var logEvery = new Option<int>("--log-every") { Description = "History interval (default: about 200 entries).", DefaultValueFactory = _ => 0 };
        var initScale = new Option<double>("--init-scale") { Description = "σ of π_0's logits, N(0, σ²); 0 = uniform.", DefaultValueFactory = _ => 1 };
        var reference = new Option<string>("--reference") { Description = "π_ref of nash-md and ipo (in sampled mode also the magnet's start and mixture): uniform (default), random:SEED (logits ~ N(0, 1) from SEED) or probabilities P1,P2,… (one per action).", DefaultValueFactory = _ => "uniform" };
        var plot = new Option<FileInfo?>("--plot") { Description = "Also write an SVG of exploitability against iterations (last iterate solid, average dashed)." };

        var command = new Command("game", "Self-play on a preference game; reports last- and average-iterate exploitability.")
        {
            game, algorithm, iterations, samples, seed, output, eta, beta, magnet, mixing, epochs, learningRate, logEvery, initScale, reference, plot,
            runDir,
        };
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            try
            {
                var algorithmName = parse.GetRequiredValue(algorithm);
                var info = GameAlgorithms.Find(algorithmName);
                if (GameAlgorithms.DeprecatedNames.TryGetValue(algorithmName, out var renamed))
                    stderr.WriteLine($"rebel game: --algorithm {algorithmName} is deprecated; it runs {renamed}, its new name.");
                var run = new GameRunOptions
                {
                    Iterations = parse.GetValue(iterations),
                    Samples = parse.GetValue(samples),
                    Seed = parse.GetValue(seed),
                    LogEvery = parse.GetValue(logEvery),
                    InitialScale = parse.GetValue(initScale),
                    Reference = GameReference.Parse(parse.GetValue(reference)!),
                    RunDirectory = parse.GetValue(runDir)?.FullName,
                }.Validate();
                var defaults = info.Defaults(run.IsSampled);
                var options = defaults with
                {
                    Eta = parse.GetValue(eta) ?? defaults.Eta,
                    Beta = parse.GetValue(beta) ?? defaults.Beta,
                    MagnetInterval = parse.GetValue(magnet) ?? defaults.MagnetInterval,
                    MagnetMixing = parse.GetValue(mixing) ?? defaults.MagnetMixing,
                    Epochs = parse.GetValue(epochs) ?? defaults.Epochs,
                    LearningRate = parse.GetValue(learningRate) ?? defaults.LearningRate,
                };
                var path = parse.GetRequiredValue(output).FullName;
                AtomicFile.CheckWritable(path);                                 // a read-only folder fails before the run
                if (parse.GetValue(plot) is { } plotFile) AtomicFile.CheckWritable(plotFile.FullName);
                var resolved = GameSource.Resolve(parse.GetRequiredValue(game));
                var result = GameSelfPlay.Run(resolved, info.Create(options), run);
                var minimax = MinimaxWinner.Solve(resolved.Matrix);
                GameRunResultJson.Write(result, path, new Dictionary<string, double[]>
                {
                    ["minimax_policy"] = minimax.Policy,
                });
                if (parse.GetValue(plot) is { } svg)
                {
                    var title = $"{result.Algorithm} on {result.Game}, " + (run.IsSampled ? $"sampled S = {run.Samples}" : "exact");
                    AtomicFile.WriteAllText(svg.FullName, ExploitabilityChart.Render(title, [result.Algorithm], [result.History]));
                }
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{result.Algorithm} on {result.Game} ({(run.IsSampled ? $"sampled, S = {run.Samples}" : "exact")}, " +
                    $"T = {run.Iterations}): exploitability last {result.Exploitability:E2}, average {result.AverageExploitability:E2} → {path}"));
                return 0;
            }
            catch (Exception e) when (CommandErrors.IsExpected(e))
            {
                return CommandErrors.Report(e, stderr, "rebel game: ");
            }
        });
        return command;
    }
}
