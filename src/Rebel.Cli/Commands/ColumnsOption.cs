using System.CommandLine;

namespace Rebel.Cli.Commands;

/// <summary>The <c>--columns FIELD=COLUMN,...</c> option every command that reads datasets has.</summary>
internal static class ColumnsOption
{
    /// <summary>A new instance of the option (each command owns its own).</summary>
    public static Option<string?> Create() => new("--columns")
    {
        Description = "Read renamed dataset columns: FIELD=COLUMN,... (fields: prompt, completion, messages, chosen, rejected, a, b, p), e.g. prompt=question. See docs/data.md.",
    };
}
