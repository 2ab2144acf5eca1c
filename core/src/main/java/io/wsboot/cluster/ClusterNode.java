package io.wsboot.cluster;

/**
 * A node of a {@link WebSocketCluster} as the last heartbeat saw it.
 *
 * @param id the node's id ({@code wsboot.cluster.node-id})
 * @param number the node's number, given by Redis when it joined; the fds of its
 * connections are {@code number << 40} plus a local count
 * @param connections the established connections it had at its last heartbeat
 * @param local whether this is the node that answers
 * @since 0.1.0
 */
public record ClusterNode(String id, long number, long connections, boolean local) {

}
