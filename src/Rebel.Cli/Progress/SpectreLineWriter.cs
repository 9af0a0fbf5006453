using System.Text;
using Spectre.Console;

namespace Rebel.Cli.Progress;

/// <summary>Stage messages of an interactive run, printed through Spectre.Console so they stay above the live progress bars.</summary>
internal sealed class SpectreLineWriter : TextWriter
{
    private readonly StringBuilder _line = new();

    /// <summary>Whether <paramref name="output"/> is an interactive console (stdout not redirected), where commands draw live
    /// progress bars and print their lines through a <see cref="SpectreLineWriter"/>.</summary>
    public static bool IsInteractive(TextWriter output) => output == Console.Out && !Console.IsOutputRedirected;

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        if (value == '\n')
        {
            AnsiConsole.WriteLine(_line.ToString());
            _line.Clear();
        }
        else if (value != '\r')
        {
            _line.Append(value);
        }
    }
}
