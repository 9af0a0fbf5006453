using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Preference;

namespace Rebel.Judges.Process;

/// <summary>
/// A judge served by a user's long-lived child process speaking JSON Lines over stdin/stdout, so that a reward
/// model written in Python (or anything else) can judge without being ported.
/// </summary>
/// <remarks>
/// <para>Protocol (one request per batch; the full description is in <c>docs/judges.md</c>):</para>
/// <code>
/// → {"id": 1, "comparisons": [{"prompt": "...", "a": "...", "b": "..."}, ...]}
///   (a conversation prompt adds "messages": [{"role": "user", "content": "..."}, ...]; "prompt" is its rendering)
/// ← {"id": 1, "p": [0.73, ...]}                  (optionally "rationale": ["...", ...])
/// ← {"id": 1, "error": "why the batch failed"}  (the judge raises JudgeException with this text)
/// </code>
/// <para>The command runs through <c>/bin/sh -c</c> (<c>cmd.exe /c</c> on Windows), is started on the first batch and
/// kept for the next ones. Blank stdout lines are skipped; anything else that is not the expected answer, a child
/// that exits, or no answer within <see cref="Timeout"/> raises <see cref="JudgeException"/> quoting the answer or
/// the exit code and the last lines of the child's stderr; the child is then stopped and a fresh one starts on
/// the next batch. Dispose closes the child's stdin, waits briefly, then kills its process tree.</para>
/// <para>Spec: <c>process:COMMAND</c>, or <c>process[timeout=SECONDS]:COMMAND</c> to change <see cref="Timeout"/>.</para>
/// </remarks>
public sealed class ProcessJudge : IPairwiseJudge
{
    /// <summary>The default time allowed for one batch's answer: 5 minutes.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    private const int StderrLinesKept = 20;
    private static readonly HashSet<System.Diagnostics.Process> Running = [];
    static ProcessJudge() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillRunning();

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Queue<string> _stderr = new();
    private System.Diagnostics.Process? _child;
    private long _nextId;
    private bool _disposed;

    /// <summary>Creates the judge; the child starts on the first batch.</summary>
    /// <param name="command">The shell command line, e.g. <c>python3 rm.py --model ckpt</c>.</param>
    /// <param name="timeout">Time allowed for one batch's answer (default <see cref="DefaultTimeout"/>).</param>
    /// <param name="workingDirectory">The child's working directory (default: the current one).</param>
    public ProcessJudge(string command, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        Timeout = timeout ?? DefaultTimeout;
        if (Timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "the timeout must be positive");
        Command = command.Trim();
        WorkingDirectory = workingDirectory;
        Id = $"process:{Command}";
    }

    /// <summary>The shell command line.</summary>
    public string Command { get; }

    /// <summary>Time allowed for one batch's answer.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The child's working directory, or null for the current one.</summary>
    public string? WorkingDirectory { get; }

    /// <inheritdoc/>
    public string Id { get; }

    /// <summary>How many child processes this judge has started (1 unless one failed).</summary>
    public int Starts { get; private set; }

    /// <summary>The running child's process id, or null when none runs.</summary>
    internal int? ChildProcessId => _child is { HasExited: false } c ? c.Id : null;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (comparisons.Count == 0) return [];
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var child = _child ??= Start();
            long id = ++_nextId;
            try
            {
                await child.StandardInput.WriteLineAsync(Request(id, comparisons).AsMemory(), cancellationToken).ConfigureAwait(false);
                await child.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                var ended = HasEnded(child) ? $"the process ended (exit code {child.ExitCode})" : "the process does not read its stdin";
                throw Failed($"could not send the batch, {ended}: {e.Message}", e);
            }
            catch (OperationCanceledException)
            {
                Stop(); // a partly written request leaves the protocol out of step
                throw;
            }
            var line = await ReadAnswerLine(child, cancellationToken).ConfigureAwait(false);
            return Parse(line, id, comparisons);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string> ReadAnswerLine(System.Diagnostics.Process child, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        while (true)
        {
            string? line;
            try
            {
                line = await child.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw Failed($"no answer within {Timeout.TotalSeconds:0.###} s");
            }
            catch (OperationCanceledException)
            {
                Stop(); // the answer may still come: the protocol is out of step, so start afresh next time
                throw;
            }
            if (line is null)
            {
                var code = HasEnded(child) ? $"exit code {child.ExitCode}" : "stdout closed";
                throw Failed($"the process ended before answering ({code})");
            }
            if (!string.IsNullOrWhiteSpace(line)) return line;
        }
    }

    private static string Request(long id, IReadOnlyList<Comparison> comparisons)
    {
        var items = new JsonArray();
        foreach (var c in comparisons)
        {
            var item = new JsonObject { ["prompt"] = c.Prompt, ["a"] = c.A, ["b"] = c.B };
            if (c.Messages is not null) item["messages"] = c.PromptJson();   // a conversation: its messages beside the rendered text
            items.Add(item);
        }
        return new JsonObject { ["id"] = id, ["comparisons"] = items }.ToJsonString();
    }

    private IReadOnlyList<Verdict> Parse(string line, long id, IReadOnlyList<Comparison> comparisons)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(line);
        }
        catch (JsonException)
        {
            throw Failed($"the process answered with something that is not JSON: \"{JudgeException.Excerpt(line, 120)}\"");
        }
        if (node is not JsonObject answer)
            throw Failed($"the process answered with something that is not a JSON object: \"{JudgeException.Excerpt(line, 120)}\"");
        if (answer["id"] is not JsonValue idValue || !idValue.TryGetValue(out long answeredId) || answeredId != id)
            throw Failed($"the answer's \"id\" is {answer["id"]?.ToJsonString() ?? "missing"}, expected {id}");
        if (answer["error"] is JsonNode error)
            throw new JudgeException(Id, $"the process reported an error: {error.ToString()}");
        if (answer["p"] is not JsonArray p)
            throw Failed($"the answer has no \"p\" array: \"{JudgeException.Excerpt(line, 120)}\"");
        if (p.Count != comparisons.Count)
            throw Failed($"the answer has {p.Count} probabilities for {comparisons.Count} comparisons");
        var rationale = answer["rationale"] as JsonArray;

        var verdicts = new Verdict[p.Count];
        for (int i = 0; i < verdicts.Length; i++)
        {
            double value = p[i] is JsonValue v && v.TryGetValue(out double d) ? d : double.NaN;
            if (!(value >= 0.0 && value <= 1.0))
                throw new JudgeException(Id, i, comparisons[i], $"the process answered p = {p[i]?.ToJsonString() ?? "null"}, not a probability in [0, 1]");
            verdicts[i] = new Verdict(value, rationale: rationale is not null && i < rationale.Count ? rationale[i]?.ToString() : null);
        }
        return verdicts;
    }

    private System.Diagnostics.Process Start()
    {
        var info = OperatingSystem.IsWindows()
            ? new ProcessStartInfo("cmd.exe") { ArgumentList = { "/c", Command } }
            : new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", Command } };
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.StandardInputEncoding = new UTF8Encoding(false);
        info.StandardOutputEncoding = Encoding.UTF8;
        info.StandardErrorEncoding = Encoding.UTF8;
        if (WorkingDirectory is not null) info.WorkingDirectory = WorkingDirectory;

        lock (_stderr) _stderr.Clear();
        var child = new System.Diagnostics.Process { StartInfo = info };
        child.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr)
            {
                _stderr.Enqueue(e.Data);
                while (_stderr.Count > StderrLinesKept) _stderr.Dequeue();
            }
        };
        try
        {
            child.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            child.Dispose();
            throw new JudgeException(Id, $"could not start the process: {e.Message}", e);
        }
        child.BeginErrorReadLine();
        lock (Running) Running.Add(child);
        Starts++;
        return child;
    }

    /// <summary>
    /// Whether the child has exited (waiting up to 10 s, since a loaded machine can be slow to reap it); when it has,
    /// also waits for its redirected stderr to be read to the end, so the error message holds its last lines.
    /// </summary>
    private static bool HasEnded(System.Diagnostics.Process child)
    {
        if (!child.WaitForExit(10_000)) return false;
        child.WaitForExit(); // drains the asynchronous stderr reader
        return true;
    }

    /// <summary>A batch-level failure: stops the child (its protocol state is unknown) and names its stderr.</summary>
    private JudgeException Failed(string reason, Exception? inner = null)
    {
        Stop();
        string tail;
        lock (_stderr) tail = string.Join(" | ", _stderr);
        return new JudgeException(Id, tail.Length == 0 ? reason : $"{reason}; its stderr ended with: {tail}", inner);
    }

    private void Stop()
    {
        var child = _child;
        _child = null;
        if (child is null) return;
        try
        {
            if (!child.HasExited)
            {
                try { child.StandardInput.Close(); } catch (IOException) { }
                if (!child.WaitForExit(500)) child.Kill(entireProcessTree: true);
            }
            if (!child.WaitForExit(2000)) child.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            lock (Running) Running.Remove(child);
            child.Dispose();
        }
    }

    /// <summary>
    /// Kills the process tree of every child still running. Runs when this process exits, so that no judge child
    /// outlives an interrupted run (a second Ctrl-C, or a verb that ended without disposing its judge).
    /// </summary>
    private static void KillRunning()
    {
        System.Diagnostics.Process[] children;
        lock (Running) children = [.. Running];
        foreach (var child in children)
        {
            try
            {
                if (!child.HasExited) child.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                // Gone already, or not ours to kill any more.
            }
        }
    }

    /// <summary>Closes the child's stdin, gives it half a second to exit, then kills its process tree.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Stop();
        _gate.Dispose();
    }
}
