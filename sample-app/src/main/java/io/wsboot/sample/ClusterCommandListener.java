package io.wsboot.sample;

import io.wsboot.Frame;
import io.wsboot.Opcode;
import io.wsboot.WebSocketMessageEvent;
import io.wsboot.WebSocketServer;

import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The commands of the {@code cluster} profile: a text message {@code broadcast:<text>} is
 * sent as {@code <text>} to every connection on every node, and {@code push:<fd>:<text>}
 * as {@code <text>} to that fd, wherever it lives. The {@link WebSocketServer} injected
 * here is the cluster's, which routes other nodes' fds over Redis. A push that fails is
 * answered with {@code push failed: <command>}.
 * <p>
 * The cluster benchmark's nodes run it too.
 *
 * @since 0.1.0
 */
@Component
@Profile(SampleApplication.CLUSTER_PROFILE)
public class ClusterCommandListener {

	/**
	 * Prefix of a broadcast command: {@code broadcast:<text>}.
	 */
	public static final String BROADCAST = "broadcast:";

	/**
	 * Prefix of a push command: {@code push:<fd>:<text>}.
	 */
	public static final String PUSH = "push:";

	private final WebSocketServer server;

	/**
	 * Create the listener.
	 * @param server the server that pushes and broadcasts, the cluster's
	 */
	public ClusterCommandListener(WebSocketServer server) {
		this.server = server;
	}

	@EventListener
	void onMessage(WebSocketMessageEvent event) {
		Frame frame = event.getFrame();
		if (frame.getOpcode() != Opcode.TEXT) {
			return;
		}
		String text = frame.getData();
		if (text.startsWith(BROADCAST)) {
			this.server.broadcast(text.substring(BROADCAST.length()));
		}
		else if (text.startsWith(PUSH)) {
			int colon = text.indexOf(':', PUSH.length());
			long fd = (colon > 0) ? parseFd(text.substring(PUSH.length(), colon)) : -1;
			if (fd <= 0 || !this.server.push(fd, text.substring(colon + 1))) {
				this.server.push(frame.getFd(), "push failed: " + text);
			}
		}
	}

	private static long parseFd(String fd) {
		try {
			return Long.parseLong(fd);
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

}
