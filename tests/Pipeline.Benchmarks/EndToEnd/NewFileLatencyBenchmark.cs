using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Pipeline.Benchmarks.EndToEnd;

/// <summary>
/// The new-file latency bench command: an idle silo on the default settings (embedded store,
/// <c>refresh_interval</c> 10 s, inotify on) tails a directory; again and again a new container log
/// file appears and gets one line, and the time until that line is searchable is measured. Reports
/// the percentiles, with inotify on and off (off: the line waits for the timed rescan).
/// <code>dotnet run -c Release --project tests/Pipeline.Benchmarks -- latency [--samples 20]</code>
/// </summary>
public static class NewFileLatencyBenchmark
{
    public static int Run(string[] args)
    {
        var i = Array.IndexOf(args, "--samples");
        var samples = i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 20;
        var silo = Path.Combine(AppContext.BaseDirectory, "Pipeline.Silo.dll");
        Console.WriteLine("| inotify_watcher | samples | p50 s | p95 s | max s |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var inotify in new[] { true, false })
        {
            var root = Path.Combine(Path.GetTempPath(), $"pipeline-latency-{Environment.ProcessId}-{inotify}");
            try
            {
                var latencies = Measure(silo, root, inotify, samples);
                latencies.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {(inotify ? "true (default)" : "false")} | {latencies.Count} | {Percentile(latencies, 0.5):F2} | {Percentile(latencies, 0.95):F2} | {latencies[^1]:F2} |"));
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }

        return 0;
    }

    private static List<double> Measure(string silo, string root, bool inotify, int samples)
    {
        var logs = Path.Combine(root, "logs");
        Directory.CreateDirectory(logs);
        var config = Path.Combine(root, "pipeline.yaml");

        // Every other setting is the default: refresh_interval 10s, flush_interval 1s.
        File.WriteAllText(config, $"""
            data_dir: {Path.Combine(root, "data")}
            logs:
              inputs:
                - type: tail
                  paths: ["{logs}/*.log"]
                  inotify_watcher: {(inotify ? "true" : "false")}
              outputs:
                - type: embedded
            """);
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { silo, "--config", config, "--urls", $"http://127.0.0.1:{port}", "--silo-port", $"{FreePort()}", "--gateway-port", $"{FreePort()}" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        try
        {
            WaitUntil(() => http.GetAsync("/readyz").Result.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60));
            var latencies = new List<double>(samples);
            for (var n = 0; n < samples; n++)
            {
                // Idle between samples, so each one meets an idle silo.
                Thread.Sleep(1000);
                var marker = $"latency-{inotify}-{n}-{Guid.NewGuid():n}";
                var path = Path.Combine(logs, $"pod-{n}_bench_app-{new string('b', 56)}{n:d8}.log");
                var clock = Stopwatch.StartNew();
                File.WriteAllText(path, $"{DateTime.UtcNow:yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'} stdout F {marker}\n");
                WaitUntil(() => Found(http, marker), TimeSpan.FromSeconds(60));
                latencies.Add(clock.Elapsed.TotalSeconds);
            }

            return latencies;
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    private static bool Found(HttpClient http, string marker)
    {
        var answer = http.GetFromJsonAsync<JsonElement>($"/api/logs/search?q={Uri.EscapeDataString($"\"{marker}\"")}&limit=0").Result;
        return answer.GetProperty("total").GetInt64() > 0;
    }

    private static void WaitUntil(Func<bool> done, TimeSpan deadline)
    {
        var limit = DateTime.UtcNow + deadline;
        while (true)
        {
            try
            {
                if (done())
                {
                    return;
                }
            }
            catch (AggregateException) when (DateTime.UtcNow < limit)
            {
            }

            if (DateTime.UtcNow > limit)
            {
                throw new TimeoutException("the silo did not get there in time");
            }

            Thread.Sleep(20);
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
