using System.Text;
using BenchmarkDotNet.Attributes;
using Pipeline.Benchmarks.Decoding;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Collection.Multiline;

namespace Pipeline.Benchmarks.Multiline;

/// <summary>
/// The multiline joiner alone, per line (Mean is per line thanks to OperationsPerInvoke): a mix of
/// Spring-style INFO lines and Java traces with causes (about four lines in ten belong to a trace),
/// and the same INFO lines without traces. Lines/s = 1 s / Mean.
/// </summary>
[MemoryDiagnoser]
public class MultilineJoinerBenchmarks
{
    private const int LineCount = 10_000;

    private const string JavaTrace = """
        org.springframework.web.util.NestedServletException: Request processing failed; nested exception is java.lang.IllegalStateException: order 42 has no lines
        	at org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)
        	at org.springframework.web.servlet.FrameworkServlet.doPost(FrameworkServlet.java:909)
        	at javax.servlet.http.HttpServlet.service(HttpServlet.java:681)
        	at org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run(TaskThread.java:61)
        	at java.base/java.lang.Thread.run(Thread.java:833)
        Caused by: java.lang.IllegalStateException: order 42 has no lines
        	at com.example.orders.OrderService.total(OrderService.java:88)
        	at com.example.orders.OrderController.checkout(OrderController.java:41)
        	... 48 more
        Caused by: java.sql.SQLException: Connection reset
        	at com.zaxxer.hikari.pool.ProxyConnection.checkException(ProxyConnection.java:187)
        	at com.example.orders.OrderRepository.lines(OrderRepository.java:30)
        	... 50 common frames omitted
        """;

    private readonly CountingLogRecordSink _sink = new();
    private byte[][] _traceMix = [];
    private byte[][] _plain = [];
    private MultilineJoiner _javaOnMix = null!;
    private MultilineJoiner _javaOnPlain = null!;
    private MultilineJoiner _customOnMix = null!;

    // Offsets keep growing across invocations, as in a followed file.
    private long _javaOnMixOffset;
    private long _javaOnPlainOffset;
    private long _customOnMixOffset;

    [GlobalSetup]
    public void Setup()
    {
        _traceMix = Lines(withTraces: true);
        _plain = Lines(withTraces: false);
        var java = MultilineRules.Create(new MultilineOptions { Mode = MultilineMode.Java });
        var custom = MultilineRules.Create(new MultilineOptions { Mode = MultilineMode.Custom, StartPattern = @"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}" });
        _javaOnMix = new MultilineJoiner(java, _sink, TimeProvider.System);
        _javaOnPlain = new MultilineJoiner(java, _sink, TimeProvider.System);
        _customOnMix = new MultilineJoiner(custom, _sink, TimeProvider.System);
        EnsureJoins(java);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = LineCount, Description = "java rules, INFO lines + Java traces")]
    public long JavaTraceMix() => FeedAll(_javaOnMix, _traceMix, ref _javaOnMixOffset);

    [Benchmark(OperationsPerInvoke = LineCount, Description = "java rules, INFO lines only")]
    public long JavaPlainLines() => FeedAll(_javaOnPlain, _plain, ref _javaOnPlainOffset);

    [Benchmark(OperationsPerInvoke = LineCount, Description = "custom start pattern (timestamp), INFO lines + Java traces")]
    public long CustomTraceMix() => FeedAll(_customOnMix, _traceMix, ref _customOnMixOffset);

    private static byte[][] Lines(bool withTraces)
    {
        var trace = JavaTrace.ReplaceLineEndings("\n").Split('\n');
        var lines = new List<byte[]>(LineCount);
        var i = 0;
        while (lines.Count < LineCount)
        {
            for (var k = 0; k < 20 && lines.Count < LineCount; k++, i++)
            {
                lines.Add(Encoding.UTF8.GetBytes(
                    $"2026-11-25 10:00:{i % 60:00}.{i % 1000:000}  INFO 1 --- [nio-8080-exec-{i % 8}] c.e.orders.OrderController : GET /orders/{i} 200 in {i % 97} ms"));
            }

            if (withTraces)
            {
                lines.Add(Encoding.UTF8.GetBytes($"2026-11-25 10:00:{i % 60:00}.{i % 1000:000} ERROR 1 --- [nio-8080-exec-1] o.a.c.c.C.[dispatcherServlet] : Servlet.service() threw exception"));
                foreach (var line in trace)
                {
                    lines.Add(Encoding.UTF8.GetBytes(line));
                }
            }
        }

        return [.. lines.Take(LineCount)];
    }

    // A sample whose traces did not join would measure the wrong path.
    private void EnsureJoins(MultilineRules rules)
    {
        var joiner = new MultilineJoiner(rules, new CountingLogRecordSink(), TimeProvider.System);
        var offset = 0L;
        FeedAll(joiner, _traceMix, ref offset);
        if (joiner.JoinedRecords < LineCount / 40)
        {
            throw new InvalidOperationException($"Benchmark sample joins only {joiner.JoinedRecords} traces.");
        }
    }

    private long FeedAll(MultilineJoiner joiner, byte[][] lines, ref long offset)
    {
        foreach (var line in lines)
        {
            joiner.Append(offset, offset, LogStream.Stdout, LogRecordFlags.None, line);
            offset += line.Length + 1;
        }

        return _sink.Records;
    }
}
