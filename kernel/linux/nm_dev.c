// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_dev.c - the /dev/netmap character device: open, release, ioctl, mmap, poll.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "../nm_os.h"
#include "../core/nm_bind.h"
#include "../core/nm_ctrl.h"
#include "nm_linux.h"

static int nm_dev_open(struct inode *inode, struct file *file)
{
	struct nm_priv *priv;

	priv = nm_os_zalloc(sizeof(*priv));
	if (!priv)
		return -ENOMEM;
	file->private_data = priv;
	return 0;
}

static int nm_dev_release(struct inode *inode, struct file *file)
{
	struct nm_priv *priv = file->private_data;

	nm_ctrl_lock();
	nm_bind_release(priv);
	nm_ctrl_unlock();
	nm_os_free(priv);
	file->private_data = NULL;
	return 0;
}

static long nm_dev_ioctl_ctrl(struct nm_priv *priv, void __user *uarg)
{
	struct nmreq_header hdr;
	long err;

	if (!uarg)
		return -EINVAL;
	if (copy_from_user(&hdr, uarg, sizeof(hdr)))
		return -EFAULT;
	err = nm_ctrl_request(priv, &hdr);
	/* The header goes back also on failure (option statuses, names). */
	hdr.nr_reserved = 0;
	if (copy_to_user(uarg, &hdr, sizeof(hdr)))
		return -EFAULT;
	return err;
}

static long nm_dev_ioctl_legacy(struct nm_priv *priv, unsigned int cmd,
				void __user *uarg)
{
	struct nmreq req;
	long err;

	if (!uarg)
		return -EINVAL;
	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	err = nm_legacy_request(priv, cmd, &req);
	if (copy_to_user(uarg, &req, sizeof(req)))
		return -EFAULT;
	return err;
}

static long nm_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct nm_priv *priv = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case NIOCCTRL:
		return nm_dev_ioctl_ctrl(priv, uarg);
	case NIOCREGIF:
	case NIOCGINFO:
		return nm_dev_ioctl_legacy(priv, cmd, uarg);
	case NIOCTXSYNC:
		return nm_bind_sync(priv, NM_TX);
	case NIOCRXSYNC:
		return nm_bind_sync(priv, NM_RX);
	default:
		return -EOPNOTSUPP;
	}
}

#ifdef CONFIG_COMPAT
static long nm_dev_compat_ioctl(struct file *file, unsigned int cmd,
				unsigned long arg)
{
	/* Every argument is laid out identically for 32-bit callers. */
	return nm_dev_ioctl(file, cmd, (unsigned long)compat_ptr(arg));
}
#endif

static int nm_dev_map_region(struct vm_area_struct *vma, char *kaddr,
			     unsigned long len)
{
	unsigned long off;
	int err;

	for (off = 0; off < len; off += PAGE_SIZE) {
		err = vm_insert_page(vma, vma->vm_start + off,
				     vmalloc_to_page(kaddr + off));
		if (err)
			return err;
	}
	return 0;
}

static int nm_dev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct nm_priv *priv = file->private_data;
	unsigned long len = vma->vm_end - vma->vm_start;
	struct nm_port *p;

	/*
	 * No control lock here: mmap runs under mmap_lock, and a control
	 * request may fault on user memory while holding locks of its own.
	 * None is needed: a bound fd stays bound, with its region, until
	 * release, which cannot run while this file is being mapped.
	 */
	p = NM_READ_ONCE(priv->port);
	nm_os_rmb();
	if (!p || !p->mem->base || !(vma->vm_flags & VM_SHARED) ||
	    vma->vm_pgoff > (p->mem->memsize >> PAGE_SHIFT) ||
	    len > p->mem->memsize - (vma->vm_pgoff << PAGE_SHIFT))
		return -EINVAL;
	/*
	 * The pages are inserted now and hold their own references, so the
	 * mapping stays valid even after the port and its region are gone.
	 */
	return nm_dev_map_region(vma, p->mem->base + (vma->vm_pgoff << PAGE_SHIFT),
				 len);
}

static __poll_t nm_dev_poll(struct file *file, poll_table *wait)
{
	struct nm_poll_ctx ctx = { .file = file, .pt = wait };
	unsigned int events = wait ? poll_requested_events(wait) :
				     (EPOLLIN | EPOLLOUT | EPOLLERR);

	if (!events)
		events = EPOLLIN | EPOLLOUT | EPOLLERR;
	return (__force __poll_t)nm_bind_poll(file->private_data, events, &ctx);
}

static const struct file_operations nm_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= nm_dev_open,
	.release	= nm_dev_release,
	.unlocked_ioctl	= nm_dev_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl	= nm_dev_compat_ioctl,
#endif
	.mmap		= nm_dev_mmap,
	.poll		= nm_dev_poll,
	.llseek		= noop_llseek,
};

static struct miscdevice nm_dev_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "netmap",
	.fops	= &nm_dev_fops,
	/* Raw access to the switch is root's; valed hands out ports. */
	.mode	= 0600,
};

int nm_dev_init(void)
{
	int err = misc_register(&nm_dev_misc);

	if (err)
		pr_err("netmap: cannot register /dev/netmap: %d\n", err);
	return err;
}

void nm_dev_fini(void)
{
	misc_deregister(&nm_dev_misc);
}
