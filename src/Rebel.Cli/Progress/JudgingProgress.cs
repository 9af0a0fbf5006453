using System.Diagnostics;
using System.Globalization;
using Rebel.Judges;
using Rebel.Preference;
using Spectre.Console;

namespace Rebel.Cli.Progress;

/// <summary>
/// Shows how far judging has got, for <c>eval</c> and <c>tournament</c> as <c>train</c> does for its iterations: a live
/// Spectre.Console bar on an interactive terminal, else a line on stderr at most every <see cref="LineInterval"/>
/// ("judging: 128/640 pairs, 40 pairs/s"). It wraps the run's judge (<see cref="Wrap"/>) and counts the comparisons
/// that come back; verdicts, ids and failures pass through unchanged.
/// </summary>
internal sealed class JudgingProgress
{
    /// <summary>Least time between two progress lines on a non-interactive stderr: 2 s.</summary>
    public static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(2);

    private readonly TextWriter _lines;
    private readonly int _total;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private ProgressTask? _bar;
    private TimeSpan _lastLine;                                                 // zero: no line yet
    private int _done;

    private readonly TimeSpan _interval;

    private JudgingProgress(TextWriter lines, int total, TimeSpan? interval = null)
    {
        _lines = lines;
        _total = total;
        _interval = interval ?? LineInterval;
    }

    /// <summary>A line-writing display with its own interval (for tests).</summary>
    internal static JudgingProgress ForLines(TextWriter lines, int total, TimeSpan interval) => new(lines, total, interval);

    /// <summary>
    /// Runs <paramref name="run"/> with <paramref name="judge"/> wrapped to report progress towards <paramref name="total"/>
    /// comparisons (an upper bound: a resumed run judges fewer): as a live bar when <paramref name="output"/> is an
    /// interactive console, else as lines on <paramref name="error"/>.
    /// </summary>
    public static async Task<T> RunAsync<T>(IPairwiseJudge judge, int total, TextWriter output, TextWriter error, Func<IPairwiseJudge, Task<T>> run)
    {
        if (!SpectreLineWriter.IsInteractive(output))
            return await run(new JudgingProgress(error, total).Wrap(judge));
        return await AnsiConsole.Progress().AutoClear(false).HideCompleted(false).StartAsync(async context =>
        {
            var progress = new JudgingProgress(TextWriter.Null, total) { _bar = context.AddTask("judging", maxValue: Math.Max(1, total)) };
            var result = await run(progress.Wrap(judge));
            progress._bar!.Value = progress._bar.MaxValue;
            return result;
        });
    }

    /// <summary>The judge that reports to this display.</summary>
    public IPairwiseJudge Wrap(IPairwiseJudge judge) => new Counting(judge, this);

    private void Add(int count)
    {
        int done = Interlocked.Add(ref _done, count);
        if (_bar is { } bar)
        {
            bar.Value = Math.Min(done, bar.MaxValue);
            return;
        }
        lock (_lines)
        {
            var now = _clock.Elapsed;
            if (_lastLine != TimeSpan.Zero && now - _lastLine < _interval) return;
            _lastLine = now;
            _lines.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"judging: {done}/{_total} pairs, {done / Math.Max(now.TotalSeconds, 1e-9):0.#} pairs/s"));
        }
    }

    /// <summary>The wrapped judge: the inner judge's verdicts and id, counted as they arrive.</summary>
    private sealed class Counting(IPairwiseJudge inner, JudgingProgress progress) : IPairwiseJudge
    {
        public string Id => inner.Id;

        public async Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default)
        {
            var verdicts = await inner.JudgeAsync(comparisons, cancellationToken).ConfigureAwait(false);
            progress.Add(comparisons.Count);
            return verdicts;
        }

        public void Dispose()
        {
            // The caller owns and disposes the inner judge.
        }
    }
}
