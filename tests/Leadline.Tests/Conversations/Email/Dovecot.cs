using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace Leadline.Tests.Conversations.Email;

/// <summary>
/// A theory that needs Debian's dovecot-imapd: skipped, saying how to install it, only when the binary is absent
/// (scripts/test.sh installs it on CI machines, so there it always runs).
/// </summary>
public sealed class DovecotTheoryAttribute : TheoryAttribute
{
    public DovecotTheoryAttribute()
    {
        if (!File.Exists(Dovecot.Binary))
            Skip = $"dovecot-imapd is not installed ({Dovecot.Binary} missing): apt-get install -y dovecot-imapd";
    }
}

/// <summary>
/// A throwaway Dovecot IMAP server on 127.0.0.1 (plain IMAP, PLAIN login, one passwd-file user, Maildir under a temp
/// folder), started in the foreground as a child process and killed (by its own process id) at the end.
/// </summary>
public sealed class Dovecot : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/dovecot";
    public const string User = "office";
    public const string Password = "imap-secret";

    private readonly Process _process;
    private readonly string _dir;

    public int Port { get; }

    private Dovecot(Process process, string dir, int port) => (_process, _dir, Port) = (process, dir, port);

    public static async Task<Dovecot> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("leadline-dovecot-").FullName;
        Mode(dir, 0b111_101_101);   // 0755: dovecot's auth process reads the passwd file
        Directory.CreateDirectory(Path.Combine(dir, "run"));
        Directory.CreateDirectory(Path.Combine(dir, "state"));
        var mail = Directory.CreateDirectory(Path.Combine(dir, "mail")).FullName;
        Mode(mail, 0b111_111_111);   // the mail user makes its home here
        var passwd = Path.Combine(dir, "passwd");
        await File.WriteAllTextAsync(passwd, $"{User}:{{PLAIN}}{Password}\n");
        Mode(passwd, 0b110_100_100);
        var port = FreePort();
        var root = Environment.UserName == "root";
        // as root the mail is dovecot's system user's; as anyone else, everything runs as that user
        var ids = root ? "uid=dovecot gid=dovecot" : $"uid={Environment.UserName} gid={Environment.UserName}";
        var users = root ? "" : $"default_login_user = {Environment.UserName}\ndefault_internal_user = {Environment.UserName}\n";
        var config = Path.Combine(dir, "dovecot.conf");
        await File.WriteAllTextAsync(config, $$"""
            base_dir = {{dir}}/run
            state_dir = {{dir}}/state
            instance_name = leadline-test-{{Guid.NewGuid():N}}
            protocols = imap
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            log_path = {{dir}}/dovecot.log
            mail_location = maildir:~/Maildir
            first_valid_uid = 1
            {{users}}
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{passwd}}
            }
            userdb {
              driver = static
              args = {{ids}} home={{mail}}/%u
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{port}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service stats {
              unix_listener stats-writer {
                mode = 0666
              }
            }
            """);
        var process = Process.Start(new ProcessStartInfo(Binary, ["-F", "-c", config])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        var server = new Dovecot(process, dir, port);
        // ready when it accepts connections (a start-up failure ends the process: its log says why)
        for (var i = 0; ; i++)
        {
            if (process.HasExited || i > 200)
            {
                var log = File.Exists(Path.Combine(dir, "dovecot.log")) ? await File.ReadAllTextAsync(Path.Combine(dir, "dovecot.log")) : "";
                await server.DisposeAsync();
                throw new InvalidOperationException($"dovecot did not start: {await process.StandardError.ReadToEndAsync()} {log}");
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        return server;
    }

    private static void Mode(string path, int mode)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, (UnixFileMode)mode);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Delivers <paramref name="message"/> into the user's INBOX (IMAP APPEND, as a mail server's delivery would put it there).</summary>
    public async Task DeliverAsync(MimeMessage message)
    {
        using var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", Port, SecureSocketOptions.None);
        await imap.AuthenticateAsync(User, Password);
        await imap.Inbox.AppendAsync(message, MessageFlags.None);
        await imap.DisconnectAsync(true);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
