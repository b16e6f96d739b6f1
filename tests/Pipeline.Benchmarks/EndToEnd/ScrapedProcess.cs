using System.Diagnostics;
using System.Text;

namespace Pipeline.Benchmarks.EndToEnd;

/// <summary>
/// One measured scraper (Prometheus in agent mode, or our silo) as a child process, optionally
/// pinned to a CPU with <c>taskset</c> (which execs, so the pid is the scraper's own), with the
/// tail of its output kept for when it fails.
/// </summary>
internal sealed class ScrapedProcess : IDisposable
{
    private const int KeptOutputChars = 64 * 1024;

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ScrapedProcess(Process process, Uri readiness, Uri? diagnostics)
    {
        _process = process;
        Readiness = readiness;
        Diagnostics = diagnostics;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The URL that answers 200 once the process is up.</summary>
    public Uri Readiness { get; }

    /// <summary>The scraper's own metrics, whose remote_write lines are printed after the window; none for ours yet.</summary>
    public Uri? Diagnostics { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="binary"/> through <c>nice</c> (when <paramref name="niceness"/> is not 0) and <c>taskset</c> (when <paramref name="cpu"/> is set); both exec, so the pid is the binary's.</summary>
    public static ScrapedProcess Start(string binary, IEnumerable<string> args, Uri readiness, Uri? diagnostics, int? cpu, int niceness)
    {
        var info = new ProcessStartInfo(niceness != 0 ? "nice" : cpu is null ? binary : "taskset") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (niceness != 0)
        {
            info.ArgumentList.Add("-n");
            info.ArgumentList.Add(niceness.ToString(System.Globalization.CultureInfo.InvariantCulture));
            info.ArgumentList.Add(cpu is null ? binary : "taskset");
        }

        if (cpu is { } core)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(core.ToString(System.Globalization.CultureInfo.InvariantCulture));
            info.ArgumentList.Add(binary);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        var result = new ScrapedProcess(process, readiness, diagnostics);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Waits until <see cref="Readiness"/> answers 200; false if the process exited or <paramref name="timeout"/> passed.</summary>
    public async Task<bool> WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout && !_process.HasExited)
        {
            try
            {
                using var answer = await http.GetAsync(Readiness);
                if (answer.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        return false;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            if (_output.Length > KeptOutputChars)
            {
                _output.Remove(0, _output.Length - KeptOutputChars);
            }
        }
    }
}
