using BenchmarkDotNet.Running;

namespace Pipeline.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        // "e2e": the whole silo process on pre-written files (see docs/BENCHMARKS.md); anything else goes to BenchmarkDotNet.
        if (args.Length > 0 && args[0] == "e2e")
        {
            return EndToEnd.IngestBenchmark.Run(args[1..]);
        }

        // "scrape": N targets scraped by Prometheus in agent mode and by our silo, with remote_write to a counting receiver.
        if (args.Length > 0 && args[0] == "scrape")
        {
            return EndToEnd.ScrapeBenchmark.Run(args[1..]);
        }

        // "store": 10,000 cAdvisor-like series × 6 h into the embedded metric store (see docs/BENCHMARKS.md).
        if (args.Length > 0 && args[0] == "store")
        {
            return MetricStore.StoreBenchmark.Run(args[1..]);
        }

        // "latency": how soon a line in a new file is searchable on an idle silo with the default settings.
        if (args.Length > 0 && args[0] == "latency")
        {
            return EndToEnd.NewFileLatencyBenchmark.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
