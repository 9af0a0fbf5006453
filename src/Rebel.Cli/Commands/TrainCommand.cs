using System.CommandLine;

namespace Rebel.Cli.Commands;

/// <summary><c>rebel train</c>: the main job (SFT reference → REBEL self-play → tournament → report).</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config") { Description = "Run configuration (JSON). Default: data/default.json." };
        var command = new Command("train", "Train a policy with REBEL self-play against a pairwise judge.") { config };
        command.SetAction(parse =>
        {
            var file = parse.GetValue(config)?.FullName ?? "data/default.json";
            Console.WriteLine($"rebel train (config: {file})");
            Console.WriteLine("The trainer is not built yet. When it is, this command will:");
            Console.WriteLine("  1. train the tokenizer and the SFT reference policy on data/,");
            Console.WriteLine("  2. run REBEL self-play with prox/magnet regularization and offline mixing,");
            Console.WriteLine("  3. run a tournament among the reference, checkpoints and the final policy,");
            Console.WriteLine("  4. write runs/<name>/ with metrics.jsonl, report.md and SVG plots.");
            return 0;
        });
        return command;
    }
}
