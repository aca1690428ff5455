import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

import org.rapaio.jupyter.kernel.MainApp;
import org.rapaio.jupyter.kernel.channels.Channels;
import org.rapaio.jupyter.kernel.channels.LoopThread;
import org.rapaio.jupyter.kernel.core.ConnectionProperties;
import org.rapaio.jupyter.kernel.core.Transform;

/**
 * Starts the rapaio Jupyter kernel (io.github.padreati:rapaio-jupyter-kernel:3.0.1) without its start-up race.
 *
 * <p>Upstream {@code LoopThread.start()} calls {@code Thread.start()} before setting {@code running = true}, so a
 * channel thread that is scheduled at once exits silently; about 1 start in 5 then never answers
 * {@code kernel_info} (shell thread) or loses control/heartbeat. Upstream also creates the handler map only after
 * binding the sockets (an early request dies with a NullPointerException in the loop thread). This launcher:
 * <ol>
 *   <li>sets java.util.logging to WARNING (upstream logs every message and the HMAC key at INFO), or to
 *       {@code RJK_LOG_LEVEL} when that variable is set, on the original System.err;</li>
 *   <li>pre-sets {@code Channels.handlers} to an empty concurrent map before {@code connect};</li>
 *   <li>after {@code connect}, replaces any dead loop thread of the shell, control and heartbeat channels with a
 *       new {@code LoopThread} (same name, sleep and body) whose {@code running} flag is set before it starts;
 *       requests queued meanwhile are still in ZeroMQ and get served.</li>
 * </ol>
 * It reads private fields, so the kernel version is pinned; if they change it fails loudly
 * (NoSuchFieldException) instead of starting a kernel that may hang.
 *
 * <p>Usage (from kernel.json): {@code java -cp <kernel jar>:<this dir> Var4jKernelLauncher {connection_file}}.
 */
public final class Var4jKernelLauncher {

    /** How long after connect() dead loop threads are looked for (the race happens within microseconds). */
    private static final long WATCH_MILLIS = 2000;
    private static final long WATCH_STEP_MILLIS = 10;
    private static final String[] LOOP_CHANNELS = {"shell", "control", "heartbeat"};

    private Var4jKernelLauncher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("expected exactly one argument, the connection file, got " + args.length);
        }
        PrintStream stderr = System.err; // the kernel redirects System.err to the notebook later
        configureLogging(stderr);

        Path connectionFile = Path.of(args[0]);
        if (!Files.isRegularFile(connectionFile)) {
            throw new IllegalArgumentException("connection file not found: " + connectionFile);
        }
        String json = Files.readString(connectionFile, StandardCharsets.UTF_8);
        ConnectionProperties props = Transform.fromJson(json, ConnectionProperties.class);
        Channels channels = new Channels(props);

        // Upstream assigns `handlers` only after binding: an early request would NPE the shell loop thread.
        field(Channels.class, "handlers").set(channels, new ConcurrentHashMap<>());
        channels.connect(MainApp.kernel);

        long deadline = System.nanoTime() + WATCH_MILLIS * 1_000_000L;
        do {
            for (String name : LOOP_CHANNELS) {
                restartIfDead(channels, name, stderr);
            }
            Thread.sleep(WATCH_STEP_MILLIS);
        } while (System.nanoTime() < deadline);

        channels.joinUntilClose();
    }

    private static void configureLogging(PrintStream stderr) {
        String env = System.getenv("RJK_LOG_LEVEL");
        Level level = env == null || env.isBlank() ? Level.WARNING : Level.parse(env.trim().toUpperCase());
        LogManager.getLogManager().reset();
        System.setProperty("java.util.logging.SimpleFormatter.format", "[%1$tF %1$tT] [%4$-7s] %3$s: %5$s%6$s%n");
        StreamHandler handler = new StreamHandler(stderr, new SimpleFormatter()) {
            @Override
            public synchronized void publish(java.util.logging.LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        handler.setLevel(level);
        Logger root = Logger.getLogger("");
        root.setLevel(level);
        root.addHandler(handler);
    }

    /** If the loop thread of channel {@code name} died (and the channel is not closed), start a replacement. */
    private static void restartIfDead(Channels channels, String name, PrintStream stderr) throws ReflectiveOperationException {
        Object channel = field(Channels.class, name).get(channels);
        Field loopField = field(channel.getClass(), "loopThread");
        LoopThread old = (LoopThread) loopField.get(channel);
        if (old == null) {
            throw new IllegalStateException("channel " + name + " has no loop thread after connect()");
        }
        if (old.isAlive() || old.getState() == Thread.State.NEW) {
            return;
        }
        if (field(channel.getClass().getSuperclass(), "closed").getBoolean(channel)) {
            return; // kernel shutting down: the thread ended on purpose
        }
        long sleep = field(LoopThread.class, "sleep").getLong(old);
        Runnable body = (Runnable) field(LoopThread.class, "loopBody").get(old);
        LoopThread fresh = new LoopThread(old.getName(), sleep, body);
        field(LoopThread.class, "running").setBoolean(fresh, true); // before start(): the race fix
        loopField.set(channel, fresh);
        fresh.start();
        stderr.println("var4j-kernel: restarted dead " + name + " loop thread " + old.getName()
                + " (rapaio LoopThread start-up race)");
        stderr.flush();
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name); // NoSuchFieldException: kernel internals changed, re-check the fix
        f.setAccessible(true);
        return f;
    }
}
