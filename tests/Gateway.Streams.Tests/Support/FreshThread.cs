namespace Gateway.Streams.Tests.Support;

/// <summary>
/// Runs a function on a new thread and returns its result: a thread no actor ever ran on, as Kestrel's request
/// threads are (the TestKit marks the threads it constructs on as running its test actor, and those are pool threads).
/// </summary>
public static class FreshThread
{
    public static T Run<T>(Func<T> function)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = function();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? result : throw new InvalidOperationException("The function failed on its thread.", failure);
    }
}
