using BenchmarkDotNet.Running;

namespace Pipeline.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        // "e2e" is reserved for the end-to-end bench command another engineer adds.
        if (args.Length > 0 && args[0] == "e2e")
        {
            return 0;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
