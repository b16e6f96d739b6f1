namespace Pipeline.Tests.Multiline;

/// <summary>Stack traces as the runtimes print them (tabs in Java and Go frames are real tabs).</summary>
internal static class StackTraces
{
    public const string SpringLogLine =
        "2026-11-25 10:00:00.123 ERROR 1 --- [nio-8080-exec-1] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() threw exception";

    public const string JavaWithCauses = """
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
        	Suppressed: java.io.IOException: close failed
        		at com.example.db.Pool.close(Pool.java:12)
        		... 51 more
        """;

    public const string JavaMain = """
        Exception in thread "main" java.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null
        	at com.example.Main.greet(Main.java:9)
        	at com.example.Main.main(Main.java:4)
        """;

    public const string DotNet = """
        System.InvalidOperationException: Checkout failed
         ---> System.IO.IOException: Broken pipe
           at Shop.Payments.Client.SendAsync(Request request) in /src/Payments/Client.cs:line 57
           --- End of inner exception stack trace ---
           at Shop.Orders.Checkout.RunAsync(Order order) in /src/Orders/Checkout.cs:line 31
        --- End of stack trace from previous location ---
           at Shop.Api.OrdersController.Post(OrderDto dto) in /src/Api/OrdersController.cs:line 22
        """;

    public const string PythonChained = """
        Traceback (most recent call last):
          File "/app/worker.py", line 12, in handle
            total = compute(order)
          File "/app/worker.py", line 7, in compute
            return order["amount"] / order["count"]
                   ~~~~~~~~~~~~~~~~^~~~~~~~~~~~~~~~
        ZeroDivisionError: division by zero

        During handling of the above exception, another exception occurred:

        Traceback (most recent call last):
          File "/app/worker.py", line 14, in handle
            raise OrderError(order["id"])
        app.errors.OrderError: order 42 cannot be totalled

        The above exception was the direct cause of the following exception:

        Traceback (most recent call last):
          File "/usr/lib/python3.12/site-packages/celery/app/trace.py", line 453, in trace_task
            R = retval = fun(*args, **kwargs)
                         ^^^^^^^^^^^^^^^^^^^^
        celery.exceptions.Retry: Retry in 10s
        """;

    public const string GoPanic = """
        panic: runtime error: invalid memory address or nil pointer dereference
        [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x48f1a2]

        goroutine 7 [running]:
        main.(*Worker).process(0x0, {0xc000014090, 0x5})
        	/app/worker.go:42 +0x22
        main.(*Pool).run.func1()
        	/app/pool.go:18 +0x5d
        created by main.(*Pool).run in goroutine 1
        	/app/pool.go:16 +0x45

        goroutine 1 [chan receive]:
        main.main()
        	/app/main.go:25 +0x118
        """;

    public const string GoHttpPanic = """
        2026/11/25 10:00:00 http: panic serving 10.244.0.12:51234: order 42 has no lines
        goroutine 33 [running]:
        net/http.(*conn).serve.func1()
        	/usr/local/go/src/net/http/server.go:1898 +0xbe
        panic({0x6a5e40?, 0x7c1f70?})
        	/usr/local/go/src/runtime/panic.go:770 +0x132
        main.checkout({0x7c7e58, 0xc0000a81c0}, 0xc0000b2000)
        	/app/main.go:31 +0x45
        """;
}
