using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pipeline.Benchmarks.EndToEnd;

/// <summary>
/// The end-to-end bench command: writes N container log files, runs the real silo process with
/// <c>exit_on_eof</c> until every line is acknowledged, and reports lines per CPU-second (whole
/// process, start-up included) and peak RSS; also the idle RSS of the same silo.
/// <code>dotnet run -c Release --project tests/Pipeline.Benchmarks -- e2e [--lines 2000000] [--files 8] [--format docker|cri|both] [--output null,embedded,elasticsearch] [--filters none|chain] [--kubernetes off|on]</code>
/// <c>--kubernetes on</c> enables <c>logs.kubernetes</c> against the Kubernetes API stand-in of the test project (run in
/// this process): each file's pod has 6 labels and 3 annotations, which every record then carries.
/// <c>--filters chain</c> writes JSON application logs and runs <c>parser</c> (JSON) + <c>modify</c> +
/// <c>grep</c> (which drops the tenth of lines at debug level). <c>elasticsearch</c> writes to the
/// Elasticsearch stand-in of the test project, run inside this bench process (so its CPU is not the silo's).
/// </summary>
public static class IngestBenchmark
{
    public static int Run(string[] args)
    {
        var lines = Option(args, "--lines", 2_000_000);
        var fileCount = Option(args, "--files", 8);
        var formats = OptionText(args, "--format", "both") switch { "docker" => new[] { false }, "cri" => new[] { true }, _ => new[] { false, true } };
        var outputs = OptionText(args, "--output", "null,embedded").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var chain = OptionText(args, "--filters", "none") == "chain";
        var kubernetes = OptionText(args, "--kubernetes", "off") == "on";
        var silo = Path.Combine(AppContext.BaseDirectory, "Pipeline.Silo.dll");

        var root = Path.Combine(Path.GetTempPath(), $"pipeline-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        try
        {
            var idle = IdleRss(silo, root);
            Console.WriteLine($"idle silo (HTTP API + dashboard loaded): rss {idle / (1024.0 * 1024):F1} MiB");
            Console.WriteLine();
            Console.WriteLine("| format | filters | pod metadata | output | lines | cpu s | lines / cpu-s | wall s | peak rss MiB | peak - idle MiB |");
            Console.WriteLine("|---|---|---|---|---:|---:|---:|---:|---:|---:|");
            foreach (var cri in formats)
            {
                var logs = Path.Combine(root, cri ? "cri" : "docker");
                var bytes = WriteFiles(logs, fileCount, lines, cri, chain);
                foreach (var output in outputs)
                {
                    var data = Path.Combine(root, $"data-{output}-{(cri ? "cri" : "docker")}");
                    var (cpu, peak, wall, ok, stored) = Ingest(silo, logs, data, output, chain, kubernetes ? fileCount : 0);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {(cri ? "cri" : "docker json")} | {(chain ? "parser+modify+grep" : "none")} | {(kubernetes ? "on" : "off")} | {output} | {lines:N0} | {cpu:F2} | {(ok ? lines / cpu : 0):N0} | {wall:F2} | {peak / (1024.0 * 1024):F1} | {(peak - idle) / (1024.0 * 1024):F1} |"));
                    if (stored is { } count)
                    {
                        Console.Error.WriteLine($"(elasticsearch stand-in holds {count:N0} documents)");
                    }
                    if (!ok)
                    {
                        Console.Error.WriteLine("the silo did not exit cleanly; see its output above");
                        return 1;
                    }
                }

                Console.Error.WriteLine($"({bytes / (1024 * 1024)} MiB of {(cri ? "CRI" : "docker json")} logs)");
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        return 0;
    }

    private static long WriteFiles(string directory, int files, int lines, bool cri, bool json)
    {
        Directory.CreateDirectory(directory);
        long bytes = 0;
        var random = new Random(42);
        // Stamped from now: the embedded store refuses records older than its retention.
        var start = DateTime.UtcNow;
        for (var f = 0; f < files; f++)
        {
            var path = Path.Combine(directory, $"web-{f}-7c9d8f6b5-x2x4q_bench_web-{new string('0', 56)}{f:x8}.log");
            using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 20);
            for (var n = f; n < lines; n += files)
            {
                var time = start.AddTicks(n * 1000L).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture);
                // About 180 bytes a line in docker json: an access log line as nginx writes it.
                var message = json
                    // About 180 bytes in docker json too: a structured application log line, a tenth of them at debug level.
                    ? $"{{\"level\":\"{(n % 10 == 0 ? "debug" : "info")}\",\"msg\":\"GET /api/v1/items/{random.Next(100000)}\",\"status\":200,\"ms\":{random.Next(999)}}}"
                    : $"10.0.{random.Next(256)}.{random.Next(256)} - - [25/Nov/2026:10:00:00 +0000] \"GET /api/v1/items/{random.Next(100000)} HTTP/1.1\" 200 {random.Next(9999)} \"-\" \"curl/8.5\"";
                var line = cri
                    ? $"{time} stdout F {message}\n"
                    : $"{{\"log\":\"{message.Replace("\"", "\\\"", StringComparison.Ordinal)}\\n\",\"stream\":\"stdout\",\"time\":\"{time}\"}}\n";
                writer.Write(line);
                bytes += line.Length;
            }
        }

        return bytes;
    }

    private static (double Cpu, long PeakRss, double Wall, bool Ok, int? Stored) Ingest(string silo, string logs, string data, string output, bool chain, int pods)
    {
        using var api = pods > 0 ? new KubernetesStandIn(pods) : null;
        var kubernetes = api is null ? "" : $"""
              kubernetes:
                enabled: true
                api_server: {api.Server.Uri}
            """;
        var config = Path.Combine(Path.GetDirectoryName(data)!, $"{Path.GetFileName(data)}.yaml");
        using var elasticsearch = output == "elasticsearch" ? new StandIn() : null;
        var outputConfig = elasticsearch is null ? $"- type: {output}" : $"- type: elasticsearch\n      hosts: [{elasticsearch.Server.Uri}]\n      batch_size: 5MiB";
        var filters = chain ? """
              filters:
                - type: parser
                  parser: json
                  reserve_data: true
                - type: modify
                  add: {cluster: bench}
                  rename: {msg: message}
                - type: grep
                  exclude: ["level ^debug$"]
            """ : "";
        File.WriteAllText(config, $"""
            data_dir: {data}
            node_name: bench-node
            logs:
            {kubernetes}
              inputs:
                - type: tail
                  paths: ["{logs}/*.log"]
                  read_from_head: true
                  exit_on_eof: true
                  mem_buf_limit: 64MiB
            {filters}
              outputs:
                {outputConfig}
            """);
        var watch = Stopwatch.StartNew();
        using var process = StartSilo(silo, "--config", config);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        watch.Stop();
        var text = stdout.Result;
        var usage = text.Split('\n').LastOrDefault(l => l.StartsWith("pipeline-usage", StringComparison.Ordinal));
        if (process.ExitCode != 0 || usage is null)
        {
            Console.Error.WriteLine(text);
            Console.Error.WriteLine(stderr.Result);
            return (0, 0, watch.Elapsed.TotalSeconds, false, null);
        }

        var fields = usage.Split(' ').Skip(1).Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        return (double.Parse(fields["cpu_seconds"], CultureInfo.InvariantCulture), long.Parse(fields["peak_rss_bytes"], CultureInfo.InvariantCulture), watch.Elapsed.TotalSeconds, true,
            elasticsearch?.Server.DocumentCount);
    }

    /// <summary>RSS of a silo that follows an empty directory, after its HTTP API and dashboard have each answered once.</summary>
    private static long IdleRss(string silo, string root)
    {
        var empty = Path.Combine(root, "empty");
        Directory.CreateDirectory(empty);
        var config = Path.Combine(root, "idle.yaml");
        File.WriteAllText(config, $"""
            data_dir: {Path.Combine(root, "idle-data")}
            logs:
              inputs:
                - type: tail
                  paths: ["{empty}/*.log"]
              outputs:
                - type: embedded
            """);
        var port = FreePort();
        using var process = StartSilo(silo, "--config", config, "--urls", $"http://127.0.0.1:{port}");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if (http.GetAsync("/healthz").Result.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (AggregateException) when (DateTime.UtcNow < deadline)
            {
            }

            Thread.Sleep(100);
        }

        foreach (var path in new[] { "/dashboard/", "/api/logs/search?q=x", "/metrics" })
        {
            using var _ = http.GetAsync(path).Result;
        }

        Thread.Sleep(5000);
        var rss = VmRss(process.Id);
        process.Kill();
        process.WaitForExit();
        return rss;
    }

    private static long VmRss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    private static Process StartSilo(string silo, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(silo);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.ArgumentList.Add("--silo-port");
        info.ArgumentList.Add(FreePort().ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add("--gateway-port");
        info.ArgumentList.Add(FreePort().ToString(CultureInfo.InvariantCulture));
        return Process.Start(info)!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string OptionText(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    /// <summary>The Kubernetes API stand-in with the bench files' pods on the bench node, started for one run.</summary>
    private sealed class KubernetesStandIn : IDisposable
    {
        public KubernetesStandIn(int pods)
        {
            Server = Pipeline.Tests.Support.KubernetesApiStandIn.StartAsync().GetAwaiter().GetResult();
            for (var f = 0; f < pods; f++)
            {
                Server.Put(new k8s.Models.V1Pod
                {
                    Metadata = new k8s.Models.V1ObjectMeta
                    {
                        Name = $"web-{f}-7c9d8f6b5-x2x4q",
                        NamespaceProperty = "bench",
                        Uid = $"6f0c6e0a-0000-4000-8000-{f:d12}",
                        Labels = new Dictionary<string, string>
                        {
                            ["app"] = "web", ["app.kubernetes.io/name"] = "web", ["app.kubernetes.io/instance"] = "web-prod",
                            ["app.kubernetes.io/version"] = "1.24.0", ["pod-template-hash"] = "7c9d8f6b5", ["team"] = "storefront",
                        },
                        Annotations = new Dictionary<string, string>
                        {
                            ["kubectl.kubernetes.io/restartedAt"] = "2026-11-25T09:00:00Z", ["prometheus.io/scrape"] = "true", ["prometheus.io/port"] = "9113",
                        },
                    },
                    Spec = new k8s.Models.V1PodSpec { NodeName = "bench-node", Containers = [new k8s.Models.V1Container { Name = "web", Image = "registry.local/storefront/web:1.24.0" }] },
                });
            }
        }

        public Pipeline.Tests.Support.KubernetesApiStandIn Server { get; }

        public void Dispose() => Server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The Elasticsearch stand-in, started for one run and stopped after it.</summary>
    private sealed class StandIn : IDisposable
    {
        public StandIn()
        {
            Server = Pipeline.Tests.Support.ElasticsearchStandIn.StartAsync().GetAwaiter().GetResult();
            Server.RecordBodies = false;
        }

        public Pipeline.Tests.Support.ElasticsearchStandIn Server { get; }

        public void Dispose() => Server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
