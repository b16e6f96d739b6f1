using System.Text.Json;
using System.Net.Http.Json;
using System.Globalization;
using System.Diagnostics;
using System.Net;
using System.Text;

namespace Pipeline.Tests.Support;

/// <summary>The real silo executable, started as its own process on free loopback ports.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(Process process, int httpPort)
    {
        _process = process;
        HttpPort = httpPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
    }

    public int HttpPort { get; }
    public HttpClient Http { get; }
    public string Output { get { lock (_output) { return _output.ToString(); } } }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public static SiloProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts the silo with extra environment variables (secrets a pipeline file names with <c>*_env</c> keys).</summary>
    public static SiloProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var silo = Path.Combine(AppContext.BaseDirectory, "Pipeline.Silo.dll");
        var httpPort = LoopbackPort.Free();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(silo);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{httpPort}");
        info.ArgumentList.Add("--silo-port");
        info.ArgumentList.Add(LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.ArgumentList.Add("--gateway-port");
        info.ArgumentList.Add(LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.Environment["DOTNET_gcServer"] = "0";
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var result = new SiloProcess(process, httpPort);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    public async Task WaitHealthyAsync()
    {
        await Eventually.Until(
            async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"The silo exited with {_process.ExitCode}:\n{Output}");
                }

                try
                {
                    return (await Http.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            ok => ok,
            "the silo to answer /healthz");
    }

    /// <summary><c>/api/logs/search</c> with a KQL query, as JSON.</summary>
    public Task<JsonElement> SearchAsync(string query, int limit) =>
        Http.GetFromJsonAsync<JsonElement>($"/api/logs/search?q={Uri.EscapeDataString(query)}&limit={limit}");

    /// <summary>How many records the search API finds for a KQL query.</summary>
    public async Task<long> SearchTotalAsync(string query) => (await SearchAsync(query, 0)).GetProperty("total").GetInt64();

    /// <summary>The sum over every series of one metric at <c>/metrics</c> (0 when it is not there).</summary>
    public async Task<double> MetricAsync(string name)
    {
        var text = await Http.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>Waits for <c>/readyz</c> to answer 200; returns the distinct not-ready reasons it gave before.</summary>
    public async Task<List<string>> WaitReadyAsync()
    {
        var reasons = new List<string>();
        await Eventually.Until(
            async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"The silo exited with {_process.ExitCode}:\n{Output}");
                }

                try
                {
                    var answer = await Http.GetAsync("/readyz");
                    if (answer.StatusCode != HttpStatusCode.OK)
                    {
                        var body = await answer.Content.ReadAsStringAsync();
                        if (!reasons.Contains(body))
                        {
                            reasons.Add(body);
                        }
                    }

                    return answer.StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            ok => ok,
            "the silo to answer /readyz with 200");
        return reasons;
    }

    /// <summary>SIGKILL: no shutdown code runs, as when a node dies.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Http.Dispose();
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
        }
    }

}
