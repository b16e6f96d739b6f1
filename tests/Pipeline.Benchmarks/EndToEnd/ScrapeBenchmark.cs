using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pipeline.Benchmarks.EndToEnd;

/// <summary>
/// The scrape bench command: N targets × M series served from this process, scraped with
/// remote_write to a counting receiver in this process, first by Prometheus in agent mode, then
/// by our silo, one after the other with the same scrape and remote_write sections. For each it
/// reports target samples scraped per CPU-second of the scraper (its utime + stime over a steady
/// window, start-up and the first rounds excluded) and peak RSS (VmHWM) per active series, beside
/// the idle RSS read while every target answered 503; then the ratios ours / Prometheus.
/// <code>dotnet run -c Release --project tests/Pipeline.Benchmarks -- scrape [--targets 200] [--series 2500] [--interval 10s] [--duration 60s] [--only ours|prometheus|both] [--warmup 20s] [--idle 10s] [--versions 4] [--pin yes|no] [--nice -10]</code>
/// With <c>--pin yes</c> (the default) this process (targets and receiver) runs on CPU 0 and the
/// measured scraper on CPU 1, so neither one's CPU time includes the other's work.
/// </summary>
public static class ScrapeBenchmark
{
    private const double MiB = 1024.0 * 1024.0;

    public static int Run(string[] args)
    {
        ScrapeBenchmarkOptions options;
        try
        {
            options = ScrapeBenchmarkOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        return RunAsync(options).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(ScrapeBenchmarkOptions options)
    {
        if (options.RunPrometheus && !File.Exists(options.PrometheusBinary))
        {
            Console.Error.WriteLine($"{options.PrometheusBinary} is missing: install Debian's prometheus package (apt-get install -y prometheus), or run with --only ours.");
            return 2;
        }

        var watch = Stopwatch.StartNew();
        var bodies = ScrapeTargetBodies.Create(options.Targets, options.Series, options.Versions);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{options.Targets} targets × {options.Series} series × {options.Versions} versions: {bodies.TotalBytes / MiB:F0} MiB of text ({bodies.TotalBytes / options.Versions / (double)options.ActiveSeries:F0} bytes a line), made in {watch.Elapsed.TotalSeconds:F1} s"));

        if (options.Pin)
        {
            // This process and every thread it has or will start (threads inherit their creator's mask) on CPU 0.
            using var taskset = Process.Start(new ProcessStartInfo("taskset", ["-a", "-cp", "0", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true })!;
            await taskset.WaitForExitAsync();
        }

        if (options.Niceness != 0)
        {
            // Niceness is per thread and inherited by the threads each one starts: renice every thread there is now.
            var threads = Directory.GetDirectories("/proc/self/task").Select(Path.GetFileName).ToList();
            using var renice = Process.Start(new ProcessStartInfo("renice", ["-n", options.Niceness.ToString(CultureInfo.InvariantCulture), "-p", .. threads!]) { RedirectStandardOutput = true })!;
            await renice.WaitForExitAsync();
        }

        await using var targets = await ScrapeTargetServer.StartAsync(bodies);
        await using var receiver = await RemoteWriteCountingReceiver.StartAsync();
        var root = Path.Combine(Path.GetTempPath(), $"pipeline-scrape-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        var results = new List<ScrapeRunResult>();
        try
        {
            var scrapeConfig = ScrapeConfig(options, targets.Ports, receiver.Url);
            File.WriteAllText(Path.Combine(root, "prometheus.yml"), scrapeConfig);
            File.WriteAllText(Path.Combine(root, "pipeline.yaml"), $"data_dir: {Path.Combine(root, "silo-data")}\nstorage: {{enabled: {(options.Store ? "true" : "false")}}}\n{scrapeConfig}");
            if (options.RunPrometheus)
            {
                results.Add(await MeasureAsync("prometheus 2.42 agent", options, targets, receiver, port => ScrapedProcess.Start(
                    options.PrometheusBinary,
                    [
                        "--enable-feature=agent", $"--config.file={Path.Combine(root, "prometheus.yml")}", $"--storage.agent.path={Path.Combine(root, "agent-data")}",
                        $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
                    ],
                    new Uri($"http://127.0.0.1:{port}/-/ready"),
                    new Uri($"http://127.0.0.1:{port}/metrics"),
                    options.Pin ? 1 : null, options.Niceness)));
            }

            if (options.RunOurs)
            {
                var silo = Path.Combine(AppContext.BaseDirectory, "Pipeline.Silo.dll");
                results.Add(await MeasureAsync(options.Store ? "ours (silo, store on)" : "ours (silo)", options, targets, receiver, port => ScrapedProcess.Start(
                    "dotnet",
                    [
                        silo, "--config", Path.Combine(root, "pipeline.yaml"), "--urls", $"http://127.0.0.1:{port}",
                        "--silo-port", FreePort().ToString(CultureInfo.InvariantCulture), "--gateway-port", FreePort().ToString(CultureInfo.InvariantCulture),
                    ],
                    new Uri($"http://127.0.0.1:{port}/healthz"),
                    null,
                    options.Pin ? 1 : null, options.Niceness)));
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        PrintTable(options, results);
        return results.All(r => r.Problem is null) ? 0 : 1;
    }

    /// <summary>Prometheus's own sections, pasted as is into both systems' files.</summary>
    private static string ScrapeConfig(ScrapeBenchmarkOptions options, IReadOnlyList<int> ports, Uri receiver)
    {
        var timeout = options.Interval < TimeSpan.FromSeconds(10) ? options.Interval : TimeSpan.FromSeconds(10);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"""
            global:
              scrape_interval: {ScrapeBenchmarkOptions.Format(options.Interval)}
              scrape_timeout: {ScrapeBenchmarkOptions.Format(timeout)}
            scrape_configs:
              - job_name: bench
                static_configs:
                  - targets:

            """);
        foreach (var port in ports)
        {
            text.Append(CultureInfo.InvariantCulture, $"          - 127.0.0.1:{port}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"""
            remote_write:
              - url: {receiver}
                queue_config:
                  capacity: 10000
                  max_shards: 50
                  max_samples_per_send: 2000

            """);
        return text.ToString();
    }

    private static async Task<ScrapeRunResult> MeasureAsync(
        string system, ScrapeBenchmarkOptions options, ScrapeTargetServer targets, RemoteWriteCountingReceiver receiver, Func<int, ScrapedProcess> start)
    {
        targets.Open = false;
        receiver.Reset();
        var result = new ScrapeRunResult(system, options.ActiveSeries);
        var perRound = options.ActiveSeries;
        Console.Error.WriteLine($"{system}: starting");
        using var process = start(FreePort());
        if (!await process.WaitReadyAsync(TimeSpan.FromSeconds(120)))
        {
            return result with { Problem = $"did not get ready:\n{process.Output}" };
        }

        // Idle CPU over the second half of the idle wait only: the first half still holds start-up (JIT, first activations).
        await Task.Delay(options.Idle / 2);
        var idleCpu0 = ProcessStat.CpuSeconds(process.Id);
        await Task.Delay(options.Idle / 2);
        var idle = ProcessStat.RssBytes(process.Id);
        var idleCpuPerSecond = (ProcessStat.CpuSeconds(process.Id) - idleCpu0) / (options.Idle / 2).TotalSeconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{system}: ready, idle rss {idle / MiB:F1} MiB and cpu {idleCpuPerSecond * 1000:F0} ms/s with every target answering 503; opening the targets"));

        // The target server's counts run across systems: this run's are the differences from here.
        var servedAtOpen = targets.Served;
        targets.Open = true;
        var opened = Stopwatch.StartNew();
        var firstRoundTimeout = TimeSpan.FromSeconds(60) + (4 * options.Interval);
        while (receiver.TargetSamples < perRound && opened.Elapsed < firstRoundTimeout && !process.HasExited)
        {
            await Task.Delay(100);
        }

        if (process.HasExited)
        {
            return result with { Problem = $"exited:\n{process.Output}" };
        }

        var firstRound = receiver.TargetSamples >= perRound;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{system}: {(firstRound ? "first full round delivered" : "NO full round delivered")} after {opened.Elapsed.TotalSeconds:F1} s ({receiver.TargetSamples:N0} samples)"));
        // Steady state: deliveries have caught up with scrapes (a scraper that fell behind on its first rounds
        // would otherwise spend the window's CPU on earlier samples, which flatters the other). One round of lag
        // is allowed: a round is delivered over the interval after it.
        var catchUp = Stopwatch.StartNew();
        var catchUpLimit = TimeSpan.FromSeconds(300);
        while (receiver.TargetSamples < ((targets.Served - servedAtOpen) * options.Series) - perRound && catchUp.Elapsed < catchUpLimit && !process.HasExited)
        {
            await Task.Delay(100);
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{system}: deliveries {(catchUp.Elapsed < catchUpLimit ? "caught up" : "STILL BEHIND")} with scrapes after {catchUp.Elapsed.TotalSeconds:F1} s more ({receiver.TargetSamples:N0} of {(targets.Served - servedAtOpen) * options.Series:N0}); warm-up {options.Warmup.TotalSeconds:F0} s"));
        await Task.Delay(options.Warmup);

        var window = Stopwatch.StartNew();
        var benchCpu0 = ProcessStat.CpuSeconds(Environment.ProcessId);
        var cpu0 = ProcessStat.CpuSeconds(process.Id);
        var served0 = targets.Served;
        var perTarget0 = targets.ServedPerTarget();
        var received0 = receiver.TargetSamples;
        await Task.Delay(options.Duration);
        var cpu1 = ProcessStat.CpuSeconds(process.Id);
        var served1 = targets.Served;
        var perTarget = targets.ServedPerTarget().Select((c, t) => c - perTarget0[t]).ToList();
        var received1 = receiver.TargetSamples;
        var seconds = window.Elapsed.TotalSeconds;
        var benchCpu = ProcessStat.CpuSeconds(Environment.ProcessId);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{system}: scrapes per target in the window: min {perTarget.Min()}, max {perTarget.Max()}, expected {options.Duration / options.Interval:F1}"));
        if (process.Diagnostics is { } diagnostics)
        {
            try
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
                var lines = (await http.GetStringAsync(diagnostics)).Split('\n')
                    .Where(l => l.StartsWith("prometheus_remote_storage_", StringComparison.Ordinal) && (l.Contains("shards", StringComparison.Ordinal) || l.Contains("pending", StringComparison.Ordinal) || l.Contains("sent_batch_duration_seconds_sum", StringComparison.Ordinal) || l.Contains("sent_batch_duration_seconds_count", StringComparison.Ordinal)));
                Console.Error.WriteLine($"{system}: {string.Join("; ", lines.Select(l => l.Replace("{", " {", StringComparison.Ordinal).Split(' ')[0] + " " + l.Split(' ')[^1]))}");
            }
            catch (HttpRequestException)
            {
            }
        }
        var peak = ProcessStat.PeakRssBytes(process.Id);
        var end = ProcessStat.RssBytes(process.Id);

        // Drain: everything scraped by the window's end should arrive soon after (batch_send_deadline is 5 s).
        var scrapedTotal = (served1 - servedAtOpen) * options.Series;
        var drain = Stopwatch.StartNew();
        while (receiver.TargetSamples < scrapedTotal && drain.Elapsed < TimeSpan.FromSeconds(30) + (2 * options.Interval) && !process.HasExited)
        {
            await Task.Delay(100);
        }

        peak = Math.Max(peak, ProcessStat.PeakRssBytes(process.Id));
        result = result with
        {
            Started = true,
            WindowSeconds = seconds,
            CpuSeconds = cpu1 - cpu0,
            ScrapedSamples = (served1 - served0) * options.Series,
            DeliveredSamples = received1 - received0,
            ScrapedTotal = scrapedTotal,
            DeliveredTotal = receiver.TargetSamples,
            SyntheticSamples = receiver.SyntheticSamples,
            DistinctSeries = receiver.DistinctSeries,
            IdleRss = idle,
            IdleCpuPerSecond = idleCpuPerSecond,
            PeakRss = peak,
            EndRss = end,
        };
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{system}: window {seconds:F1} s, cpu {result.CpuSeconds:F2} s, scraped {result.ScrapedSamples:N0}, delivered {result.DeliveredSamples:N0} in the window; {result.DeliveredTotal:N0} of {scrapedTotal:N0} scraped by its end delivered after a {drain.Elapsed.TotalSeconds:F1} s drain; {result.SyntheticSamples:N0} synthetic samples, {receiver.StaleMarkers:N0} stale markers, {result.DistinctSeries:N0} distinct series, {receiver.Requests:N0} requests ({receiver.FailedRequests} undecodable, {receiver.HandlingTime.TotalMilliseconds / Math.Max(1, receiver.Requests):F2} ms each to count), bench process cpu {benchCpu - benchCpu0:F2} s in the window; rss idle {idle / MiB:F1} MiB, end {end / MiB:F1} MiB, peak {peak / MiB:F1} MiB"));
        return result.Delivered || firstRound ? result : result with { Problem = "delivered far fewer samples than it scraped" };
    }

    private static void PrintTable(ScrapeBenchmarkOptions options, List<ScrapeRunResult> results)
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{options.Targets} targets × {options.Series} series = {options.ActiveSeries:N0} active series, scrape_interval {ScrapeBenchmarkOptions.Format(options.Interval)}, window {options.Duration.TotalSeconds:F0} s{(options.Pin ? ", scraper pinned to CPU 1, targets + receiver to CPU 0" : "")}"));
        Console.WriteLine();
        Console.WriteLine("| system | samples scraped / s | cpu s | samples / cpu-s | idle cpu ms/s | idle rss MiB | peak rss MiB | peak B / series | (peak − idle) B / series | delivered in window | delivered by drain |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            if (!r.Started)
            {
                Console.WriteLine($"| {r.System} | failed: {r.Problem?.Split('\n')[0]} | | | | | | | | | |");
                Console.Error.WriteLine($"{r.System}: {r.Problem}");
                continue;
            }

            var flag = r.Delivered ? "" : " ⚠ short";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.System} | {r.ScrapedPerSecond:N0} | {r.CpuSeconds:F2} | **{r.SamplesPerCpuSecond:N0}** | {r.IdleCpuPerSecond * 1000:F0} | {r.IdleRss / MiB:F1} | {r.PeakRss / MiB:F1} | **{r.PeakBytesPerSeries:F0}** | {r.PeakOverIdleBytesPerSeries:F0} | {Percent(r.DeliveredSamples, r.ScrapedSamples)} | {Percent(r.DeliveredTotal, r.ScrapedTotal)}{flag} |"));
        }

        var ours = results.FirstOrDefault(r => r.System.StartsWith("ours", StringComparison.Ordinal) && r.Started);
        var prometheus = results.FirstOrDefault(r => r.System.StartsWith("prometheus", StringComparison.Ordinal) && r.Started);
        if (ours is not null && prometheus is not null)
        {
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ours / prometheus: samples per cpu-second × {ours.SamplesPerCpuSecond / prometheus.SamplesPerCpuSecond:F2} (aim ≥ 3), peak rss per series × {ours.PeakBytesPerSeries / prometheus.PeakBytesPerSeries:F2} (aim ≤ 0.33), (peak − idle) per series × {ours.PeakOverIdleBytesPerSeries / prometheus.PeakOverIdleBytesPerSeries:F2}"));
        }

        foreach (var r in results.Where(r => r.Started && !r.Delivered))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"⚠ {r.System} delivered {r.DeliveredTotal:N0} target samples of the {r.ScrapedTotal:N0} it scraped ({Percent(r.DeliveredTotal, r.ScrapedTotal)}): its figures are not comparable."));
        }
    }

    private static string Percent(long part, long whole) => whole == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * part / whole:F1} %");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
