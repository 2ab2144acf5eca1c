package io.wsboot.benchmarks.server;

import io.wsboot.Frame;
import io.wsboot.Opcode;
import io.wsboot.WebSocketMessageEvent;
import io.wsboot.WebSocketOpenEvent;
import io.wsboot.WebSocketServer;

import org.springframework.context.event.EventListener;

/**
 * The commands of the cluster benchmark, as the sample application's {@code cluster}
 * profile has them: a text message {@code push:<fd>:<text>} pushes {@code <text>} to that
 * fd wherever it lives, and {@code broadcast:<text>} sends {@code <text>} to every
 * connection of every node. Every connection is greeted with {@code fd:<fd>}, so that the
 * load generator knows the fds to push to. The {@link WebSocketServer} is the cluster's,
 * which routes other nodes' fds over Redis.
 *
 * @since 0.1.0
 */
public class ClusterCommandListener {

	/**
	 * Prefix of the greeting, followed by the connection's fd.
	 */
	public static final String GREETING = "fd:";

	/**
	 * Prefix of a push command: {@code push:<fd>:<text>}.
	 */
	public static final String PUSH = "push:";

	/**
	 * Prefix of a broadcast command: {@code broadcast:<text>}.
	 */
	public static final String BROADCAST = "broadcast:";

	private final WebSocketServer server;

	/**
	 * Create the listener.
	 * @param server the server that pushes and broadcasts
	 */
	public ClusterCommandListener(WebSocketServer server) {
		this.server = server;
	}

	@EventListener
	void onOpen(WebSocketOpenEvent event) {
		this.server.push(event.getFd(), GREETING + event.getFd());
	}

	@EventListener
	void onMessage(WebSocketMessageEvent event) {
		Frame frame = event.getFrame();
		if (frame.getOpcode() != Opcode.TEXT) {
			return;
		}
		String text = frame.getData();
		if (text.startsWith(PUSH)) {
			int colon = text.indexOf(':', PUSH.length());
			long fd = (colon > 0) ? parseFd(text.substring(PUSH.length(), colon)) : -1;
			if (fd > 0) {
				this.server.push(fd, text.substring(colon + 1));
			}
		}
		else if (text.startsWith(BROADCAST)) {
			this.server.broadcast(text.substring(BROADCAST.length()));
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
