package io.github.var4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ServerDef;

class ClusterTest {
  @Test
  void parsesHostsAndBuildsTheServerDefOfItsTask() {
    Cluster c = Cluster.parse("127.0.0.1:2222, localhost:2223", 1, 30);
    assertEquals(List.of("127.0.0.1:2222", "localhost:2223"), c.hosts());
    assertEquals(2, c.size());
    assertFalse(c.isChief());
    assertEquals("/job:worker/replica:0/task:1", Cluster.taskName(c.task()));
    ServerDef sd = c.serverDef();
    assertEquals("worker", sd.getJobName());
    assertEquals(1, sd.getTaskIndex());
    assertEquals("grpc", sd.getProtocol());
    assertEquals("localhost:2223", sd.getCluster().getJob(0).getTasksMap().get(1));
    assertEquals(
        "/job:worker/replica:0/task:0",
        sd.getDefaultSessionConfig().getExperimental().getCollectiveGroupLeader());
    assertTrue(Cluster.parse("h:1", 0, 1).isChief());
  }

  @Test
  void badClustersAreRefusedWithTheirProblem() {
    assertEquals(
        "cluster host 1 must be host:port, got 'localhost'",
        assertThrows(IllegalArgumentException.class, () -> Cluster.parse("a:1,localhost", 0, 5))
            .getMessage());
    assertEquals(
        "cluster host 0 has port 70000, outside 1..65535",
        assertThrows(IllegalArgumentException.class, () -> Cluster.parse("a:70000", 0, 5))
            .getMessage());
    assertEquals(
        "cluster host 'a:1' is listed twice (tasks 0 and 1)",
        assertThrows(IllegalArgumentException.class, () -> Cluster.parse("a:1,a:1", 0, 5))
            .getMessage());
    assertEquals(
        "task must be in [0, 2) for a cluster of 2 hosts, got 2",
        assertThrows(IllegalArgumentException.class, () -> Cluster.parse("a:1,b:2", 2, 5))
            .getMessage());
    assertEquals(
        "timeoutSeconds must be positive, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> Cluster.parse("a:1", 0, 0))
            .getMessage());
    assertEquals(
        "a cluster needs at least one host:port",
        assertThrows(IllegalArgumentException.class, () -> Cluster.parse(" ", 0, 5)).getMessage());
  }

  @Test
  void unreachableTasksAreTheOnesThatRefuseAConnection() throws Exception {
    // the dead port stays reserved by a bound socket that does not listen (connections to it are
    // refused), so that no other process can take it during the check
    try (ServerSocket live = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket reserved = new Socket()) {
      reserved.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int dead = reserved.getLocalPort();
      Cluster c =
          Cluster.parse(
              "127.0.0.1:1,127.0.0.1:" + live.getLocalPort() + ",127.0.0.1:" + dead, 0, 5);
      assertEquals(List.of(2), c.unreachableTasks(2000));
      IllegalStateException e = c.failure("training step 7", new RuntimeException("rpc failed"));
      assertEquals(
          "training step 7 failed on task 0: task 2 (127.0.0.1:"
              + dead
              + ") is dead (connection refused); stopping. Restart every task: they resume from"
              + " the chief's last checkpoint",
          e.getMessage());
    }
  }
}
