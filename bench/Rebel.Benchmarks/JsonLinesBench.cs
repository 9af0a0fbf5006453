using System.CommandLine;

namespace Rebel.Benchmarks;

/// <summary>The action of a bench that prints JSON lines: read and validate its options (an invalid value exits 2 with
/// the message), run it, print every line, exit 0.</summary>
internal static class JsonLinesBench
{
    public static void SetAction<TOptions>(Command command, Func<ParseResult, TOptions> readValidated, Func<TOptions, IReadOnlyList<string>> run)
    {
        command.SetAction(parse =>
        {
            TOptions options;
            try
            {
                options = readValidated(parse);
            }
            catch (ArgumentException e)
            {
                parse.InvocationConfiguration.Error.WriteLine(e.Message);
                return 2;
            }
            foreach (var line in run(options)) parse.InvocationConfiguration.Output.WriteLine(line);
            return 0;
        });
    }
}
