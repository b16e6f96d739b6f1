using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Pipeline.Tests.Support;

/// <summary>
/// A real Prometheus (Debian's <c>prometheus</c> package, which <c>.ci/run</c> installs) started by a
/// test with its remote-write receiver on, on a free loopback port, storing into a temporary directory.
/// </summary>
public sealed class PrometheusProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TempDirectory _directory;

    private PrometheusProcess(Process process, TempDirectory directory, int port)
    {
        _process = process;
        _directory = directory;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public HttpClient Http { get; }

    public Uri RemoteWriteUrl => new(Http.BaseAddress!, "/api/v1/write");

    public string Output { get { lock (_output) { return _output.ToString(); } } }

    public static async Task<PrometheusProcess> StartAsync()
    {
        const string binary = "/usr/bin/prometheus";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"{binary} is missing: install Debian's prometheus package (apt-get install prometheus), as .ci/run does.");
        }

        var directory = new TempDirectory();
        var config = directory.Combine("prometheus.yml");
        await File.WriteAllTextAsync(config, "global:\n  scrape_interval: 1m\n");
        var port = LoopbackPort.Free();

        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            $"--config.file={config}", $"--storage.tsdb.path={directory.Combine("data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--web.enable-remote-write-receiver",
            "--storage.tsdb.retention.time=1d", "--log.level=warn",
        })
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        var result = new PrometheusProcess(process, directory, port);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Eventually.Until(
            async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"prometheus exited with {process.ExitCode}:\n{result.Output}");
                }

                try
                {
                    return (await result.Http.GetAsync("/-/ready")).StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            ready => ready,
            "prometheus ready");
        return result;
    }

    /// <summary>An instant query at <paramref name="at"/>: the result vector as (labels, value) pairs.</summary>
    public async Task<List<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string query, DateTimeOffset at)
    {
        var time = (at.ToUnixTimeMilliseconds() / 1000.0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var answer = await Http.GetFromJsonAsync<JsonElement>($"/api/v1/query?query={Uri.EscapeDataString(query)}&time={time}");
        if (answer.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"query {query} failed: {answer}");
        }

        return [.. answer.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => (
            r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            double.Parse(r.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture)))];
    }

    /// <summary>The raw samples of a range-vector selector (<c>metric{…}[10m]</c>) at <paramref name="at"/>: per series, (Unix ms, value) in time order.</summary>
    public async Task<List<(Dictionary<string, string> Labels, List<(long TimestampMs, double Value)> Samples)>> QueryRawAsync(string selector, DateTimeOffset at)
    {
        var time = (at.ToUnixTimeMilliseconds() / 1000.0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var answer = await Http.GetFromJsonAsync<JsonElement>($"/api/v1/query?query={Uri.EscapeDataString(selector)}&time={time}");
        if (answer.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"query {selector} failed: {answer}");
        }

        return [.. answer.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => (
            r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            r.GetProperty("values").EnumerateArray().Select(v => (
                (long)Math.Round(v[0].GetDouble() * 1000),
                double.Parse(v[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture))).ToList()))];
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _directory.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
