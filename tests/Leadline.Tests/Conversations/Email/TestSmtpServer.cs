using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Leadline.Tests.Conversations.Email;

/// <summary>
/// A tiny SMTP server on 127.0.0.1 for the e-mail tests: plain SMTP (no STARTTLS), AUTH PLAIN/LOGIN offered and accepted,
/// every DATA recorded (dot-unstuffed) with its envelope. <see cref="Replies"/> scripts failures: each queued reply
/// answers the next RCPT or DATA end (e.g. "451 4.3.0 try later", "550 5.1.1 no such mailbox") instead of 250.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public sealed record Mail(string From, IReadOnlyList<string> To, string Data, string? AuthUser);

    public ConcurrentQueue<Mail> Mails { get; } = new();

    /// <summary>Scripted answers for the next RCPT TO or end of DATA (instead of 250).</summary>
    public ConcurrentQueue<(string Step, string Reply)> Replies { get; } = new();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public TestSmtpServer()
    {
        _listener.Start();
        _loop = AcceptAsync();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => SessionAsync(client));
        }
    }

    private string? Scripted(string step) =>
        Replies.TryPeek(out var next) && next.Step == step && Replies.TryDequeue(out next) ? next.Reply : null;

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.Latin1);
        await using var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 leadline-tests ESMTP");
        string from = "";
        var to = new List<string>();
        string? user = null;
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var command = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                switch (command)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-leadline-tests");
                        await writer.WriteLineAsync("250-AUTH PLAIN LOGIN");
                        await writer.WriteLineAsync("250 SIZE 10485760");
                        break;
                    case "HELO":
                        await writer.WriteLineAsync("250 leadline-tests");
                        break;
                    case "AUTH":
                        user = await AuthAsync(line, reader, writer);
                        break;
                    case "MAIL":
                        from = Address(line);
                        to.Clear();
                        await writer.WriteLineAsync("250 2.1.0 ok");
                        break;
                    case "RCPT":
                        if (Scripted("RCPT") is { } refused)
                        {
                            await writer.WriteLineAsync(refused);
                            break;
                        }
                        to.Add(Address(line));
                        await writer.WriteLineAsync("250 2.1.5 ok");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(_stop.Token) is { } d && d != ".")
                            data.Append(d.StartsWith("..", StringComparison.Ordinal) ? d[1..] : d).Append("\r\n");
                        if (Scripted("DATA") is { } failed)
                        {
                            await writer.WriteLineAsync(failed);
                            break;
                        }
                        Mails.Enqueue(new Mail(from, to.ToList(), data.ToString(), user));
                        await writer.WriteLineAsync("250 2.0.0 queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 2.0.0 bye");
                        return;
                    default:
                        await writer.WriteLineAsync("250 ok");
                        break;
                }
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
        }
    }

    private static async Task<string?> AuthAsync(string line, StreamReader reader, StreamWriter writer)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string? user;
        if (parts.Length >= 2 && parts[1].Equals("PLAIN", StringComparison.OrdinalIgnoreCase))
        {
            var blob = parts.Length >= 3 ? parts[2] : await Challenge(reader, writer, "");
            user = Encoding.UTF8.GetString(Convert.FromBase64String(blob)).Split('\0')[1];
        }
        else
        {
            user = Encoding.UTF8.GetString(Convert.FromBase64String(parts.Length >= 3 ? parts[2] : await Challenge(reader, writer, "VXNlcm5hbWU6")));
            await Challenge(reader, writer, "UGFzc3dvcmQ6");
        }
        await writer.WriteLineAsync("235 2.7.0 authenticated");
        return user;
    }

    private static async Task<string> Challenge(StreamReader reader, StreamWriter writer, string prompt)
    {
        await writer.WriteLineAsync("334 " + prompt);
        return await reader.ReadLineAsync() ?? "";
    }

    private static string Address(string line)
    {
        var start = line.IndexOf('<', StringComparison.Ordinal);
        var end = line.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? line[(start + 1)..end] : line;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
