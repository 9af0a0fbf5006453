using System.Text;
using Spectre.Console;

namespace Rebel.Cli.Training;

/// <summary>Stage messages of an interactive run, printed through Spectre.Console so they stay above the live progress bars.</summary>
internal sealed class SpectreLineWriter : TextWriter
{
    private readonly StringBuilder _line = new();

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
