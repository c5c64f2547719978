import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/** The lab's app: /hello, /login (changeSessionId), /cart (?bad=1: a non-Serializable attribute), /health (no session). */
public class LabServlet extends HttpServlet {
  /** Not Serializable. */
  static final class PriceCache {
    final long createdAt = System.currentTimeMillis();
  }

  /**
   * Serializable but holding a PriceCache: StandardManager logs "Cannot serialize session attribute [cart]" with a
   * NotSerializableException on stop (a plain non-Serializable attribute would be dropped silently).
   */
  static final class Cart implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final int items;
    final PriceCache prices = new PriceCache();
    Cart(int items) { this.items = items; }
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = req.getServletPath();
    String node = System.getProperty("lab.node", "?");
    String route = System.getProperty("lab.jvmRoute", "");
    resp.setContentType("text/plain");
    resp.setHeader("Cache-Control", "no-store");
    if ("/health".equals(path)) {
      resp.getWriter().print("node=" + node + " route=" + route + " session=-\n");
      return;
    }
    HttpSession session = req.getSession(true);
    boolean fresh = session.isNew();
    if ("/login".equals(path)) {
      req.changeSessionId();
      session.setAttribute("user", "u" + System.nanoTime());
    } else if ("/cart".equals(path)) {
      if ("1".equals(req.getParameter("bad"))) session.setAttribute("cart", new Cart(1));
      else session.setAttribute("cartItems", Integer.valueOf(1));
    } else {
      Integer n = (Integer) session.getAttribute("hits");
      session.setAttribute("hits", n == null ? 1 : n + 1);
    }
    resp.getWriter().print("node=" + node + " route=" + route + " session=" + req.getSession().getId() + " new=" + fresh + "\n");
  }
}
