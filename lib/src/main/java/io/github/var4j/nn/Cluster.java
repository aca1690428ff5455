package io.github.var4j.nn;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.BytePointer;
import org.tensorflow.Graph;
import org.tensorflow.Server;
import org.tensorflow.Session;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.proto.ClusterDef;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.JobDef;
import org.tensorflow.proto.ServerDef;

/**
 * One task of a data-parallel cluster on TensorFlow's own distributed runtime: the gRPC {@link
 * Server} of job {@code worker}, task {@code task}, and graph sessions that run through it.
 *
 * <p>Between-graph replication, as PyTorch's DDP (one process per device): every task builds the
 * whole training graph, holds its own copy of the variables (initialised identically from one seed,
 * or restored from the chief's checkpoint) and joins the others in one collective all-reduce per
 * step ({@link AllReduce}). Ops without a device run on the task's own devices (its GPU, if it has
 * one): the master of a task places them there, gradients included.
 *
 * <p>TF Java 1.1.0 starts servers ({@link Server}) but its {@link Session} has no target: {@link
 * #newSession} creates the session through the C API with {@code TF_SetTarget("grpc://…")} and
 * hands it to {@link Session}'s package-private constructor. TF cannot stop a gRPC server cleanly
 * ({@code Server.stop} is unimplemented in TF 2.18), so a task's server lives until its process
 * exits.
 *
 * @param hosts {@code host:port} of every task, task 0 (the chief) first
 * @param task this process's task index
 * @param timeoutSeconds how long a collective waits for the other tasks before failing (it bounds
 *     the time to notice a dead task; it must exceed the longest pause of one task, e.g. the
 *     chief's evaluation)
 */
public record Cluster(List<String> hosts, int task, double timeoutSeconds) {
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._\\-]+:[0-9]{1,5}");

  /** The job name of every task. */
  public static final String JOB = "worker";

  public Cluster {
    if (hosts == null || hosts.isEmpty())
      throw new IllegalArgumentException("a cluster needs at least one host:port");
    hosts = List.copyOf(hosts);
    for (int i = 0; i < hosts.size(); i++) {
      String h = hosts.get(i);
      if (!HOST_PORT.matcher(h).matches())
        throw new IllegalArgumentException(
            "cluster host " + i + " must be host:port, got '" + h + "'");
      int port = Integer.parseInt(h.substring(h.lastIndexOf(':') + 1));
      if (port < 1 || port > 65535)
        throw new IllegalArgumentException(
            "cluster host " + i + " has port " + port + ", outside 1..65535");
      if (hosts.indexOf(h) != i)
        throw new IllegalArgumentException(
            "cluster host '"
                + h
                + "' is listed twice (tasks "
                + hosts.indexOf(h)
                + " and "
                + i
                + ")");
    }
    if (task < 0 || task >= hosts.size())
      throw new IllegalArgumentException(
          "task must be in [0, "
              + hosts.size()
              + ") for a cluster of "
              + hosts.size()
              + " hosts, got "
              + task);
    if (!(timeoutSeconds > 0))
      throw new IllegalArgumentException("timeoutSeconds must be positive, got " + timeoutSeconds);
  }

  /** Parses {@code "host0:port,host1:port"}. */
  public static Cluster parse(String hosts, int task, double timeoutSeconds) {
    if (hosts == null || hosts.isBlank())
      throw new IllegalArgumentException("a cluster needs at least one host:port");
    List<String> list = new ArrayList<>();
    for (String h : hosts.split(",")) list.add(h.trim());
    return new Cluster(list, task, timeoutSeconds);
  }

  /** Number of tasks. */
  public int size() {
    return hosts.size();
  }

  /** Task 0 writes checkpoints, metrics and evaluations. */
  public boolean isChief() {
    return task == 0;
  }

  /** {@code /job:worker/replica:0/task:i}. */
  public static String taskName(int i) {
    return "/job:" + JOB + "/replica:0/task:" + i;
  }

  /** The session settings of every task: task 0 leads the collective groups. */
  public ConfigProto sessionConfig() {
    return Sessions.config().toBuilder()
        .setExperimental(
            ConfigProto.Experimental.newBuilder().setCollectiveGroupLeader(taskName(0)))
        .build();
  }

  /** The {@link ServerDef} of this task. */
  public ServerDef serverDef() {
    JobDef.Builder job = JobDef.newBuilder().setName(JOB);
    for (int i = 0; i < hosts.size(); i++) job.putTasks(i, hosts.get(i));
    return ServerDef.newBuilder()
        .setCluster(ClusterDef.newBuilder().addJob(job))
        .setJobName(JOB)
        .setTaskIndex(task)
        .setProtocol("grpc")
        .setDefaultSessionConfig(sessionConfig())
        .build();
  }

  /**
   * Starts this task's gRPC server (port {@code hosts.get(task)}); it runs until the process exits.
   *
   * @throws IllegalStateException naming the address if the server cannot start (port taken)
   */
  public Server startServer() {
    try {
      Server s = new Server(serverDef());
      s.start();
      return s;
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot start the TF server of task "
              + task
              + " on "
              + hosts.get(task)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** A session of {@code g} that runs through this task's server ({@code grpc://host:port}). */
  public Session newSession(Graph g) {
    TF_Status st = TF_Status.newStatus();
    TF_SessionOptions so = TF_SessionOptions.newSessionOptions();
    try {
      tensorflow.TF_SetTarget(so, "grpc://" + hosts.get(task));
      byte[] c = sessionConfig().toByteArray();
      try (BytePointer bp = new BytePointer(c)) {
        tensorflow.TF_SetConfig(so, bp, c.length, st);
        st.throwExceptionIfNotOK();
      }
      Field handle = Graph.class.getDeclaredField("nativeHandle");
      handle.setAccessible(true);
      org.tensorflow.internal.c_api.TF_Session ts =
          org.tensorflow.internal.c_api.TF_Session.newSession((TF_Graph) handle.get(g), so, st);
      st.throwExceptionIfNotOK();
      Constructor<Session> ctor =
          Session.class.getDeclaredConstructor(
              Graph.class, org.tensorflow.internal.c_api.TF_Session.class);
      ctor.setAccessible(true);
      return ctor.newInstance(g, ts);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "this TF Java cannot open a session on a target (its Session internals changed): " + e,
          e);
    } finally {
      tensorflow.TF_DeleteSessionOptions(so);
      st.close();
    }
  }

  /**
   * The tasks other than this one whose address refuses a TCP connection within {@code
   * timeoutMillis}: the dead ones, for error messages.
   */
  public List<Integer> unreachableTasks(int timeoutMillis) {
    List<Integer> dead = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      if (i == task) continue;
      String h = hosts.get(i);
      int colon = h.lastIndexOf(':');
      try (Socket s = new Socket()) {
        s.connect(
            new InetSocketAddress(h.substring(0, colon), Integer.parseInt(h.substring(colon + 1))),
            timeoutMillis);
      } catch (IOException e) {
        dead.add(i);
      }
    }
    return dead;
  }

  /**
   * An error of a collective step, rewritten to name the tasks that no longer answer (or to say
   * that all answer, when the cause is elsewhere).
   */
  public IllegalStateException failure(String what, RuntimeException cause) {
    List<Integer> dead = unreachableTasks(2000);
    StringBuilder m = new StringBuilder(what).append(" failed on task ").append(task).append(": ");
    if (dead.isEmpty()) {
      m.append("every other task still answers; TF said: ").append(cause.getMessage());
    } else {
      m.append(dead.size() == 1 ? "task " : "tasks ");
      for (int k = 0; k < dead.size(); k++) {
        if (k > 0) m.append(", ");
        m.append(dead.get(k)).append(" (").append(hosts.get(dead.get(k))).append(')');
      }
      m.append(dead.size() == 1 ? " is" : " are")
          .append(" dead (connection refused); stopping. Restart every task: they resume from the")
          .append(" chief's last checkpoint");
    }
    return new IllegalStateException(m.toString(), cause);
  }
}
